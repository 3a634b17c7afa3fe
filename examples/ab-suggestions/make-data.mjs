// Writes the ab-suggestions example's data, seeded (the same files on every machine):
//   offline: cases.jsonl (240 chat contexts, tagged segment:plan=free / segment:plan=pro) and the suggestions of the
//            two prompt versions, outputs/suggest-v1.jsonl and outputs/suggest-v2.jsonl (replay: logs, no API key);
//   online:  exposures.csv (user_id, arm, timestamp, plan), events.jsonl (one line per session: shown, accepted,
//            completed, seconds, latency_ms), pre.csv (each user's October: pre_accepted, pre_shown).
// The story (README.md): suggest-v2 wins offline; online, treatment users accept more suggestions, most of all in the
// first week (novelty: the lift falls from +12 to +2 points after day 7), pro users more than free ones, and the
// treatment model is a little slower (the latency guardrail).
//   node make-data.mjs [--users N]     (default 20000; the e2e test uses fewer)
import { mkdirSync, writeFileSync, createWriteStream } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const usersArg = process.argv.indexOf('--users');
const USERS = usersArg > 0 ? Number(process.argv[usersArg + 1]) : 20000;
const START = Date.UTC(2026, 10, 1); // 2026-11-01
const DAYS = 28;
const DAY = 86_400_000;

/** mulberry32: a small seeded generator, so the files are the same everywhere. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = rng(20261101);
const bernoulli = (p) => (random() < p ? 1 : 0);
/** Standard normal by Box–Muller. */
const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
const poisson = (mean) => {
  let k = 0;
  for (let p = Math.exp(-mean), s = p, u = random(); u > s; k++) s += p *= mean / (k + 1);
  return k;
};

// ---- offline: the suite's cases and the two prompt versions' suggestions ----
const TOPICS = ['invoice', 'meeting', 'deadline', 'bug report', 'contract', 'onboarding', 'refund', 'roadmap'];
const GOOD = [
  'Reply that you will send the {t} summary by Friday.',
  'Suggest a 15-minute call tomorrow about the {t}.',
  'Confirm the {t} and share the link today.',
];
const BAD = [
  'It might be worth thinking about the {t} at some point, depending on how things evolve over the next weeks and on what the rest of the team thinks about it.',
  'Consider the {t}.',
];
const cases = [];
const outputs = { 'suggest-v1': [], 'suggest-v2': [] };
for (let i = 0; i < 240; i++) {
  const plan = i % 3 === 0 ? 'pro' : 'free';
  const topic = TOPICS[i % TOPICS.length];
  const id = `ctx-${String(i + 1).padStart(3, '0')}`;
  cases.push({ id, vars: { input: `Thread about the ${topic} (${plan} workspace): what should I do next?` }, tags: [`segment:plan=${plan}`] });
  // A case's difficulty is shared by both versions (the paired design): hard cases fail more often for both.
  const difficulty = random();
  const passV1 = difficulty < (plan === 'pro' ? 0.74 : 0.68);
  const passV2 = passV1 ? random() < 0.97 : random() < (plan === 'pro' ? 0.45 : 0.4);
  for (const [variant, pass] of [
    ['suggest-v1', passV1],
    ['suggest-v2', passV2],
  ]) {
    const template = pass ? GOOD[i % GOOD.length] : BAD[i % BAD.length];
    const output = template.replace('{t}', topic);
    outputs[variant].push({
      id,
      output,
      input_tokens: 180 + (i % 40),
      output_tokens: output.split(' ').length + 4,
      latency_ms: variant === 'suggest-v1' ? 820 : 870,
    });
  }
}
const jsonl = (rows) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
mkdirSync(join(HERE, 'outputs'), { recursive: true });
writeFileSync(join(HERE, 'cases.jsonl'), jsonl(cases));
for (const [variant, rows] of Object.entries(outputs)) writeFileSync(join(HERE, 'outputs', `${variant}.jsonl`), jsonl(rows));

// ---- online: 28 days of exposures, sessions and the pre-period ----
const iso = (ms) => new Date(ms).toISOString();
const exposures = createWriteStream(join(HERE, 'exposures.csv'));
const events = createWriteStream(join(HERE, 'events.jsonl'));
const pre = createWriteStream(join(HERE, 'pre.csv'));
exposures.write('user_id,arm,timestamp,plan\n');
pre.write('user_id,pre_accepted,pre_shown\n');
let eventLines = 0;
for (let u = 0; u < USERS; u++) {
  const user = `u${String(u + 1).padStart(6, '0')}`;
  const plan = random() < 0.3 ? 'pro' : 'free';
  const arm = random() < 0.5 ? 'control' : 'treatment';
  // Arrivals: more users in the first days (the launch mail), then a steady trickle.
  const firstDay = Math.min(DAYS - 1, Math.floor(-Math.log(1 - random()) * 9));
  const exposedAt = START + firstDay * DAY + Math.floor(random() * DAY);
  exposures.write(`${user},${arm},${iso(exposedAt)},${plan}\n`);
  // A user's habit: how often they accept a suggestion (the pre-period measures it, CUPED uses it).
  const habit = Math.min(0.95, Math.max(0.05, (plan === 'pro' ? 0.62 : 0.55) + 0.12 * normal()));
  const activity = plan === 'pro' ? 2.4 : 1.6; // sessions per week
  const preShown = poisson(activity * 4 * 3);
  let preAccepted = 0;
  for (let k = 0; k < preShown; k++) preAccepted += bernoulli(habit);
  // 3% of users were new in November: no pre-period row (CUPED runs on the others, the scorecard says how many).
  if (random() >= 0.03) pre.write(`${user},${preAccepted},${preShown}\n`);
  const sessions = poisson((activity * (DAYS - firstDay)) / 7);
  for (let s = 0; s < sessions; s++) {
    const at = exposedAt + Math.floor(random() * (START + DAYS * DAY - exposedAt));
    const day = Math.floor((at - START) / DAY);
    // The treatment lift: +12 points while the feature is new (days 0–6), +2 after; pro users +1 more.
    const lift = arm === 'treatment' ? (day < 7 ? 0.12 : 0.02) + (plan === 'pro' ? 0.01 : 0) : 0;
    const shown = 1 + poisson(2);
    let accepted = 0;
    for (let k = 0; k < shown; k++) accepted += bernoulli(Math.min(0.99, habit + lift));
    const completed = bernoulli(0.7 + 0.1 * (accepted / shown));
    const seconds = Math.round(Math.max(20, 240 - 60 * (accepted / shown) + 50 * normal()));
    const latency = Math.round((arm === 'treatment' ? 905 : 880) * Math.exp(0.25 * normal()));
    events.write(JSON.stringify({ user_id: user, ts: iso(at), shown, accepted, completed, seconds, latency_ms: latency }) + '\n');
    eventLines++;
  }
}
await Promise.all([exposures, events, pre].map((stream) => new Promise((resolve) => stream.end(resolve))));
console.log(
  `wrote cases.jsonl (240 cases), outputs/suggest-v1.jsonl, outputs/suggest-v2.jsonl, exposures.csv (${USERS} users), events.jsonl (${eventLines} sessions), pre.csv`,
);
