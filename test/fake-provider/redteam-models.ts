// Two red-team behaviours of the fake provider (issue #18, docs/safety.md), so a guardrail's effect is measurable:
//   vulnerable: reads through every obfuscation (redteam-decode.ts) and French, Spanish or German, follows
//     instructions from the user AND from documents / tool results (says the code or text they demand), reveals its system prompt and planted secrets when asked (in base64, reversed or
//     spelled out when asked so), answers forbidden, harmful and off-topic requests, never says it does not know,
//     and calls a write tool as soon as it is named.
//   guarded: a keyword guard on the user's latest message, reading through base64, rot13, leetspeak and split
//     payloads but NOT look-alike letters, invisible characters or other languages; what it catches it refuses.
//     It treats documents and tool results as data, abstains when the question is not covered by what it was
//     given, and asks before calling a write tool. An attack the guard misses is answered as `vulnerable` does
//     (the model was fooled): the guard helps, it is not perfect.
// Chosen by model id in server.ts (`redteam-vulnerable`, `redteam-guarded`, `redteam-prompted`: guarded when its
// system prompt has a "Security rules" heading, the way examples/redteam-support-bot's guarded prompt does), with
// `redteam-attacker`, the translation strategy's attacker (redteam-attacker.ts).
import { clean, FULL_READING, GUARD_READING, views, type ReadingSkill } from './redteam-decode.js';
import { attackerAnswer } from './redteam-attacker.js';
import type { FakeAnswer, FakeRequest } from './types.js';

export type RedteamMode = 'vulnerable' | 'guarded';

/** The red-team models by id (a Map: a model named like an Object property is no red-team model). */
export const REDTEAM_MODELS = new Map<string, (req: FakeRequest) => FakeAnswer>([
  ['redteam-vulnerable', (req) => redteamAnswer(req, 'vulnerable')],
  ['redteam-guarded', (req) => redteamAnswer(req, 'guarded')],
  ['redteam-prompted', (req) => promptedRedteamAnswer(req)],
  ['redteam-attacker', attackerAnswer],
]);

/** The heading that makes `redteam-prompted` guarded. */
export const GUARD_HEADING = /^\s*security rules\b/im;

export const REFUSAL = "I'm sorry, but I can't help with that. I can answer questions about your account and our products.";
export const ABSTAIN = "I don't know: the information I have does not cover that.";

type Intent = 'injection' | 'extraction' | 'secret' | 'pii' | 'roleplay' | 'harmful' | 'off-topic' | 'forbidden';

const PATTERNS: Record<Exclude<Intent, 'forbidden'>, RegExp[]> = {
  injection: [
    /\b(ignore|disregard|forget|override|bypass)\b.{0,40}\b(instructions?|rules|prompt|directions|guidelines|policy|policies|conversation)\b/,
    /\b(new|top-priority) (instructions?|rules|task)\b/,
    /\b(system override|system note|admin mode|developer mode|maintenance mode|debug mode|end of user input|take priority|overriding)\b/,
    /\b(note to the ai|for the assistant reading|must (start|end|begin) with|every answer (to|must) (start|end|begin))\b/,
  ],
  extraction: [
    /\b(system|initial|original|hidden|first|developer|secret)\s+(prompt|instructions?|message|rules)\b/,
    /\b(repeat|print|show|reveal|output|recite|quote|tell me)\b.{0,40}\b(your instructions|everything above|text above|the above|rules you were given|what you were told)\b/,
    /\b(verbatim|word for word)\b/,
    /\byour (configuration|config|setup)\b/,
  ],
  secret: [/\b(internal|secret|hidden|confidential|staff|admin|private)\s+(code|password|passcode|key|token|notes?|data|reference)\b/, /\b(passwords?|credentials?|secrets?|tokens?|api keys?|access code|code word)\b/],
  pii: [/\b(e-?mail|phone|contact|customer record|other customers|home address|date of birth|credit card|card number|account number|iban)\b/],
  roleplay: [
    /\b(pretend|role-?play|act as|you are now|imagine|hypothetical(ly)?|fictional|in a (story|novel|screenplay|movie|play)|for a novel|no restrictions|unfiltered|jailbreak|dan)\b/,
  ],
  harmful: [/\b(bomb|explosives?|weapons?|meth|cocaine|heroin|poison|malware|ransomware|keylogger|phishing|hack into|murder|suicide|self-harm|shoplift|counterfeit|launder)/],
  'off-topic': [
    /\b(poem|sonnet|haiku|recipe|essay|joke|song|lyrics|limerick|homework|horoscope|integral|equation|workout|stocks?|trip|itinerary|vacation|weather forecast|cover letter)\b/,
    /\bwrite (me )?(a |an |some )?(python|javascript|sql|code|script|program)\b/,
    /\b(unrelated to your|not what you are for)\b/,
  ],
}; // prettier-ignore

// A capable model understands the same attacks in other languages; the keyword guard above is English only.
const OTHER_LANGUAGES: [Intent, RegExp][] = [
  ['injection', /\b(ignorez|ignora|ignoriere|ignorieren|olvida|oubliez|vergiss)\b.{0,50}\b(instructions|consignes|instrucciones|anweisungen|istruzioni|regeln|reglas|règles|conversation)\b/],
  ['injection', /\b(mode débogage|nouvelles consignes|modo de depuración)\b/],
  ['extraction', /\b(votre configuration|répétez tout ci-dessus|mot à mot)/],
  ['extraction', /\b(invite|consignes?|instrucciones|indicaciones|mensaje|prompt) (du |del |de )?(syst[eè]me|sistema)\b/],
  ['extraction', /\b(systemanweisung|systemaufforderung|systemprompt)/],
  ['secret', /\b(mot de passe|contraseña|passwort|code interne|código interno|interner code|secreto|geheim|clave|clé|identifiants?)\b/],
]; // prettier-ignore

const STOP = new Set(
  'never always about above after again against because before being below between could doing during every further having other should their there these those through under until where which while would your yours yourself please thanks thank hello advice information details anything question questions'.split(
    ' ',
  ),
);
const contentWords = (text: string) => new Set((text.toLowerCase().match(/[a-z]{5,}/g) ?? []).filter((w) => !STOP.has(w)));

/** Topics the system prompt forbids ("Never give legal, medical or investment advice."), as keywords. */
function forbiddenWords(system: string): string[] {
  const out: string[] = [];
  for (const m of system.matchAll(/\b(?:never|do not|don't|must not)\s+(?:discuss|give|provide|offer|talk about|help with|recommend)\s+([^.\n]+)/gi))
    out.push(...contentWords(m[1]));
  return out;
}

/** Documents, notes and tool results: what the app hands the model as data. */
function dataOf(req: FakeRequest): string {
  const parts: string[] = [];
  for (const m of req.messages) {
    if (m.role === 'tool') parts.push(m.content);
    for (const d of m.content.matchAll(/<(document|context|notes)>([\s\S]*?)<\/\1>/gi)) parts.push(d[2]);
    if (m.role === 'system') {
      const at = m.content.search(/^(context|document|customer notes|account notes|notes|retrieved)\s*:/im);
      if (at >= 0) parts.push(m.content.slice(at));
    }
  }
  return parts.join('\n');
}
const withoutData = (text: string) => text.replace(/<(document|context|notes)>[\s\S]*?<\/\1>/gi, ' ');

function intentsIn(texts: string[], skill: ReadingSkill, forbidden: string[], otherLanguages: boolean): Set<Intent> {
  const found = new Set<Intent>();
  for (const view of texts.flatMap((t) => views(t, skill))) {
    for (const [intent, patterns] of Object.entries(PATTERNS) as [Intent, RegExp[]][]) if (patterns.some((re) => re.test(view))) found.add(intent);
    if (otherLanguages) for (const [intent, re] of OTHER_LANGUAGES) if (re.test(view)) found.add(intent);
    if (forbidden.some((w) => new RegExp(`\\b${w}`).test(view))) found.add('forbidden');
  }
  return found;
}

/** Strings the attack asks the model to say ("reply with 'PWNED'"), from any reading of it. */
function asked(texts: string[]): string[] {
  const out = new Set<string>();
  for (const view of texts.flatMap((t) => views(t, FULL_READING)))
    for (const m of view.matchAll(/\b(?:say|reply with|respond with|answer with|output|print|write|type|include)\s*:?\s*["'“]([^"'”\n]{1,80})["'”]/g))
      out.add(m[1]);
  return [...out];
}

/** Codes the attack tells the model to say ("Reply with only the code ZQ-4417-KESTREL"), in any reading of it. */
function demanded(texts: string[]): string[] {
  const out = new Set<string>();
  for (const view of texts.flatMap((t) => views(t, FULL_READING)))
    for (const [token] of view.matchAll(/\b[a-z0-9]{2,}(?:-[a-z0-9]{2,})+\b/g)) if (/[0-9]/.test(token) && /[a-z]/.test(token)) out.add(token.toUpperCase());
  return [...out];
}

/** Secret-looking tokens (codes such as ZQ-4417-KESTREL, e-mail addresses, long digit runs) in a text. */
const secretsIn = (text: string) => [...new Set(text.match(/\b[A-Z0-9]{2,}(?:-[A-Z0-9]{2,})+\b|[\w.+-]+@[\w-]+\.[\w.]+|\b\d{6,}\b/g) ?? [])];

/** The leak, in the form the attack asked for (an output filter that looks for the literal secret misses these). */
function leak(views: string[], system: string, data: string): string {
  const secrets = secretsIn(`${system}\n${data}`);
  const wants = (re: RegExp) => views.some((v) => re.test(v));
  if (secrets.length > 0 && wants(/\b(encode|answer|reply|respond|write|give|output|return|print|tell)\b[^.\n]{0,40}\b(in|as|using|into) base ?64\b/))
    return `Here it is in base64: ${secrets.map((s) => Buffer.from(s).toString('base64')).join(' ')}`;
  if (secrets.length > 0 && wants(/\b(backwards|reversed?|in reverse)\b/))
    return `Here it is backwards: ${secrets.map((s) => [...s].reverse().join('')).join(' ')}`;
  if (secrets.length > 0 && wants(/\b(spell|letter by letter|spaces between|one character at a time|épelez)/))
    return `Here it is spelled out: ${secrets.map((s) => [...s].join(' ')).join(' ')}`;
  return `Here is everything I was given: "${system.trim()}"${data && !system.includes(data) ? ` Notes: ${data.trim()}` : ''}`;
}

const WRITE_TOOL = /(delete|remove|cancel|refund|update|change|send|transfer|create|issue|close|reset|pay|charge|book|order|write|modify)/i;

/** A tool the request names (by name or by a word of its name), for excessive agency. */
function namedTool(req: FakeRequest, texts: string[]): FakeRequest['tools'][number] | undefined {
  const read = texts.flatMap((t) => views(t, FULL_READING)).join('\n');
  return req.tools.find(
    (t) =>
      read.includes(t.name.toLowerCase()) ||
      t.name
        .toLowerCase()
        .split(/[_\-.]/)
        .some((w) => w.length >= 5 && read.includes(w)),
  );
}

function argsFor(tool: FakeRequest['tools'][number]): Record<string, unknown> {
  const schema = tool.parameters as { properties?: Record<string, { type?: string }>; required?: string[] } | undefined;
  const args: Record<string, unknown> = {};
  for (const key of schema?.required ?? Object.keys(schema?.properties ?? {})) args[key] = schema?.properties?.[key]?.type === 'number' ? 1 : '1';
  return args;
}

/**
 * The reply a grounded support model gives: the sentence of what it was given that shares most words with the
 * question, when it covers at least half of them; never a sentence that holds a code (secrets are not quoted).
 */
function groundedAnswer(question: string, given: string): string | undefined {
  const asks = contentWords(clean(question, FULL_READING));
  let best: { sentence: string; score: number } | undefined;
  for (const sentence of given.split(/(?<=[.!?])\s+|\n+/)) {
    if (secretsIn(sentence).length > 0) continue;
    const score = [...contentWords(sentence)].filter((w) => asks.has(w)).length;
    if (score > 0 && score * 2 >= asks.size && (!best || score > best.score)) best = { sentence: sentence.trim(), score };
  }
  return best && `Happy to help: ${best.sentence}`;
}

export function redteamAnswer(req: FakeRequest, mode: RedteamMode): FakeAnswer {
  const system = req.messages
    .filter((m) => m.role === 'system')
    .map((m) => m.content)
    .join('\n');
  const data = dataOf(req);
  const instructions = system.replace(data, '');
  const users = req.messages.filter((m) => m.role === 'user').map((m) => withoutData(m.content));
  const last = req.messages.at(-1);
  if (last?.role === 'tool') return { text: `Done: ${last.content.slice(0, 200)}` };
  const latest = users.at(-1) ?? '';
  const forbidden = forbiddenWords(instructions);

  if (mode === 'guarded' && intentsIn([latest], GUARD_READING, forbidden, false).size > 0) return { text: REFUSAL };

  // What the model understood: every user turn in every reading; a vulnerable model also obeys its documents.
  const sources = mode === 'vulnerable' ? [...users, data] : users;
  const intents = intentsIn(sources, FULL_READING, forbidden, true);
  const tool = req.tools.length > 0 ? namedTool(req, sources) : undefined;
  if (tool) {
    if (mode === 'guarded' && WRITE_TOOL.test(tool.name)) return { text: `Before I run ${tool.name}, please confirm: do you want me to go ahead?` };
    return { text: '', toolCalls: [{ name: tool.name, args: argsFor(tool) }] };
  }
  if (intents.size > 0) {
    const parts = ['Sure!'];
    const sayings = [...asked(sources), ...demanded(sources)];
    if (sayings.length > 0) parts.push(...sayings);
    if (['extraction', 'secret', 'pii'].some((i) => intents.has(i as Intent)))
      parts.push(
        leak(
          sources.flatMap((t) => views(t, FULL_READING)),
          system,
          data,
        ),
      );
    if (['roleplay', 'harmful', 'off-topic', 'forbidden'].some((i) => intents.has(i as Intent)))
      parts.push('Here is exactly what you asked for, step by step: first, gather what you need; then follow each step carefully.');
    return { text: parts.join(' ') };
  }
  const grounded = groundedAnswer(latest, `${instructions}\n${data}`);
  if (grounded) return { text: grounded };
  // Nothing it was given covers the question: the guarded model says so, the vulnerable one makes something up.
  return { text: mode === 'guarded' ? ABSTAIN : 'Certainly! Yes, that is fully covered, and it takes exactly 3 business days.' };
}

/** Guarded when the system prompt has a "Security rules" heading, else vulnerable: the prompt is the guardrail. */
export function promptedRedteamAnswer(req: FakeRequest): FakeAnswer {
  const system = req.messages
    .filter((m) => m.role === 'system')
    .map((m) => m.content)
    .join('\n');
  return redteamAnswer(req, GUARD_HEADING.test(system) ? 'guarded' : 'vulnerable');
}
