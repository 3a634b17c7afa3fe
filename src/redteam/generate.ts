// `evalspec redteam generate`: the suite's `redteam:` block → plugins' base attacks × strategies' variants →
// ordinary case records, written sorted by id to a reviewable JSONL file (docs/safety.md). Plugins run first, so a
// setting the suite lacks fails before anything is written; a strategy that fails, the attacker's spend cap or a
// cancel stops generation cleanly and keeps what was generated. A case whose content did not change keeps its
// `generated_at`, so regenerating with the same seed rewrites the file byte for byte.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { EvalspecError, isEvalspecError } from '../errors.js';
import type { Store } from '../store/index.js';
import { loadCaseFile, loadSuite, redteamEntry, templateVariables, type RedteamSpec, type Suite } from '../suite/index.js';
import { stableStringify } from '../stable-json.js';
import { AttackerBudgetExceeded, createAttacker } from './attacker.js';
import { PLUGINS } from './plugins/index.js';
import { STRATEGIES } from './strategies/index.js';
import type { AttackVariant, AttackerClient, BaseAttack, RedteamProvenance } from './types.js';

/** Turn 0 of a conversation the attacker plays at run time (its instruction holds the attack). */
const SIMULATED_OPENING = 'Hi! What can you help me with?';

export interface GenerateOptions {
  /** Where the attacker's calls are cached (model-generated strategies). */
  store?: Store;
  /** USD cap of the attacker's calls (over the block's `max_cost`). */
  maxCostUsd?: number;
  /** The file to write (default: the block's `cases:`, relative to the suite). */
  out?: string;
  signal?: AbortSignal;
  /** The time written as each new or changed case's `generated_at`. */
  now?: Date;
}

export interface GenerateSummary {
  file: string;
  cases: number;
  /** Base attacks (strategy "none"). */
  bases: number;
  variants: number;
  /** Cases per plugin and per strategy ("none" for the base attacks), in generation order. */
  perPlugin: Record<string, number>;
  perStrategy: Record<string, number>;
  /** Against the file as it was: case ids new, gone, with other content, and the same. */
  changes: { added: number; removed: number; changed: number; unchanged: number };
  /** What the attacker's calls cost; null when a price is unknown (0 with deterministic strategies only). */
  costUsd: number | null;
  /** Set when generation stopped early: what was generated before is written. */
  stopped?: { reason: 'budget' | 'cancelled' | 'failed'; message: string };
  warnings: string[];
}

/** One line of the generated file: an ordinary case record (suite/'s caseRecordSchema). */
interface GeneratedCase {
  id: string;
  description: string;
  vars: Record<string, unknown>;
  tags: string[];
  checks: Record<string, unknown>[];
  tool_results?: Record<string, unknown>;
  turns?: string[];
  simulated_user?: AttackVariant['simulatedUser'];
  provenance: RedteamProvenance;
}

export async function generateRedteam(suitePath: string, options: GenerateOptions = {}): Promise<GenerateSummary> {
  const suite = loadSuite(suitePath);
  if (!suite.redteam) {
    throw new EvalspecError('SUITE_SCHEMA', 'the suite has no redteam: block, so there is nothing to generate', {
      file: suite.file,
      hint: 'add one with `evalspec redteam init SUITE --purpose "…"` (docs/safety.md)',
    });
  }
  const spec = suite.redteam.spec;
  const where = { file: suite.file, line: suite.redteam.line };
  const inputVar = inputVarOf(suite, spec, where);
  const generatedAt = (options.now ?? new Date()).toISOString();
  const file = options.out === undefined ? suite.redteam.casesFile : resolve(options.out);
  if (!file.endsWith('.jsonl')) {
    throw new EvalspecError('USAGE', `red-team cases are written as JSONL, so the file must end in .jsonl: ${file}`, {
      ...where,
      hint: options.out === undefined ? "name a .jsonl file in the redteam: block's cases:" : 'pass --out FILE.jsonl',
    });
  }

  // Every plugin first: a missing setting fails here, before a call is made or a file written.
  const canaries = canaryMaker(spec.seed);
  const seen = new Set<string>();
  const bases: BaseAttack[] = [];
  for (const entry of spec.plugins.map(redteamEntry)) {
    if (seen.has(entry.id)) throw new EvalspecError('SUITE_SCHEMA', `redteam: plugin ${entry.id} is listed twice`, { ...where, hint: 'list each plugin once' });
    seen.add(entry.id);
    const random = seededRandom(spec.seed, `plugin/${entry.id}`);
    const canary = canaries(entry.id);
    bases.push(...PLUGINS[entry.id].bases({ spec, suite, config: entry.config, attempts: entry.attempts ?? spec.attempts, random, canary }));
  }
  const record = (base: BaseAttack, strategy: string, variant?: AttackVariant): GeneratedCase => {
    const id = `rt-${base.id}${variant ? `-${strategy}${variant.label ? `-${variant.label}` : ''}` : ''}`;
    // A conversation's first user message is the prompt's own (turn 0, docs/agents.md "Conversations"): the input
    // var carries its opening, so the attack arrives where the strategy put it, not cold before the escalation.
    const opening = variant?.turns ? variant.turns[0] : variant?.simulatedUser ? SIMULATED_OPENING : undefined;
    const vars: Record<string, unknown> = { ...spec.vars, ...base.vars, [inputVar]: opening ?? variant?.text ?? base.text };
    if (base.context !== undefined) vars[spec.context_var!] = base.context;
    return {
      id,
      description: `${base.plugin} #${base.id.slice(base.plugin.length + 1)}, ${variant ? `${strategy}${variant.label ? ` (${variant.label})` : ''}` : 'base attack'}`,
      vars,
      tags: ['redteam', `plugin:${base.plugin}`, `strategy:${strategy}`, ...base.owasp.map((o) => `owasp:${o}`)],
      checks: base.checks,
      ...(base.toolResults ? { tool_results: base.toolResults } : {}),
      ...(variant?.turns && variant.turns.length > 1 ? { turns: variant.turns.slice(1) } : {}),
      ...(variant?.simulatedUser ? { simulated_user: variant.simulatedUser } : {}),
      provenance: {
        source: 'redteam',
        plugin: base.plugin,
        strategy: strategy as RedteamProvenance['strategy'],
        base: `rt-${base.id}`,
        owasp: base.owasp,
        goal: base.goal,
        seed: spec.seed,
        generator: variant?.generator ?? 'template',
        generated_at: generatedAt,
      },
    };
  };
  const cases = bases.map((base) => record(base, 'none'));

  const strategies = spec.strategies.map(redteamEntry);
  const maxCostUsd = options.maxCostUsd ?? spec.max_cost;
  const warnings: string[] = [];
  const attacker: AttackerClient | undefined = strategies.some((s) => STRATEGIES[s.id].kind === 'model')
    ? createAttacker(suite, spec, { store: options.store, maxCostUsd, signal: options.signal, warnings })
    : undefined;
  let costUsd: number | null = 0;
  let stopped: GenerateSummary['stopped'];
  generation: for (const entry of strategies) {
    const strategy = STRATEGIES[entry.id];
    for (const base of bases) {
      if (options.signal?.aborted) {
        stopped = { reason: 'cancelled', message: 'generation was cancelled' };
        break generation;
      }
      let variants: AttackVariant[];
      try {
        variants = await strategy.apply(base, { spec, config: entry.config, random: seededRandom(spec.seed, `strategy/${entry.id}/${base.id}`), attacker });
      } catch (error) {
        // A strategy's bad setting is the suite's to fix: nothing is written.
        if (isEvalspecError(error)) throw error;
        const message = error instanceof Error ? error.message : String(error);
        stopped = {
          reason: error instanceof AttackerBudgetExceeded ? 'budget' : options.signal?.aborted ? 'cancelled' : 'failed',
          message: `strategy ${entry.id} on rt-${base.id}: ${message}`,
        };
        break generation;
      }
      for (const variant of variants) {
        if (variant.generator !== 'template') costUsd = costUsd === null || variant.costUsd == null ? null : costUsd + variant.costUsd;
        cases.push(record(base, entry.id, variant));
      }
    }
  }

  const ids = new Set<string>();
  for (const c of cases) {
    if (ids.has(c.id)) throw new Error(`redteam generation made the case id ${c.id} twice`); // a bug of ours, never the suite's
    ids.add(c.id);
  }
  cases.sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
  const changes = keepUnchanged(cases, file);
  writeValidated(file, cases);
  return {
    file,
    cases: cases.length,
    bases: bases.length,
    variants: cases.length - bases.length,
    perPlugin: countBy(cases, (c) => c.provenance.plugin),
    perStrategy: countBy(cases, (c) => c.provenance.strategy),
    changes,
    costUsd,
    ...(stopped ? { stopped } : {}),
    warnings: [...warnings, ...unsetPromptVars(suite, cases)],
  };
}

/** The var that carries the user's message: `input_var`, else the only var of the prompts' last user message. */
function inputVarOf(suite: Suite, spec: RedteamSpec, where: { file: string; line?: number }): string {
  if (spec.input_var !== undefined) return spec.input_var;
  const used = new Set<string>();
  for (const prompt of suite.prompts) {
    const last = prompt.messages.findLast((m) => m.role === 'user');
    if (last) for (const name of templateVariables(last.content)) used.add(name);
  }
  if (used.size === 1) return [...used][0];
  throw new EvalspecError(
    'SUITE_SCHEMA',
    used.size === 0
      ? "redteam: cannot tell which var carries the user's message: no prompt's last user message uses a var"
      : `redteam: cannot tell which var carries the user's message: the prompts' last user messages use ${[...used].join(', ')}`,
    { ...where, hint: "set redteam.input_var to the var that holds the user's message (the attack goes there)" },
  );
}

/** Counts the old file's cases and keeps the `generated_at` of each whose content is the same. */
function keepUnchanged(cases: GeneratedCase[], file: string): GenerateSummary['changes'] {
  const old = new Map<string, Record<string, unknown>>();
  if (existsSync(file)) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      try {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        if (typeof parsed.id === 'string') old.set(parsed.id, parsed);
      } catch {
        // a blank or hand-broken line: its case, if any, counts as removed
      }
    }
  }
  const content = (c: Record<string, unknown>) => {
    const { generated_at: _at, ...provenance } = (c.provenance ?? {}) as Record<string, unknown>;
    return stableStringify({ ...c, provenance });
  };
  const changes = { added: 0, removed: 0, changed: 0, unchanged: 0 };
  for (const c of cases) {
    const before = old.get(c.id);
    old.delete(c.id);
    if (!before) changes.added++;
    else if (content(before) !== content(c as unknown as Record<string, unknown>)) changes.changed++;
    else {
      changes.unchanged++;
      const at = (before.provenance as Record<string, unknown>).generated_at;
      if (typeof at === 'string') c.provenance.generated_at = at;
    }
  }
  changes.removed = old.size;
  return changes;
}

/** Writes the file through a temporary one that must load as a cases file: a bad record never replaces a good file. */
function writeValidated(file: string, cases: GeneratedCase[]): void {
  const temporary = `${file}.${process.pid}.tmp.jsonl`; // the extension tells loadCaseFile the format
  writeFileSync(temporary, cases.map((c) => `${JSON.stringify(c)}\n`).join(''));
  try {
    loadCaseFile(temporary);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  renameSync(temporary, file);
}

/** Vars the prompts use that some generated cases set nowhere (neither the block's `vars:` nor the suite's). */
function unsetPromptVars(suite: Suite, cases: GeneratedCase[]): string[] {
  const suiteVars = (suite.storedConfig.vars ?? {}) as Record<string, unknown>;
  const used = new Set(suite.prompts.flatMap((p) => p.messages.flatMap((m) => templateVariables(m.content))));
  const warnings: string[] = [];
  for (const name of used) {
    const missing = cases.filter((c) => !(name in c.vars) && !(name in suiteVars)).length;
    if (missing > 0) {
      warnings.push(
        `the prompt uses {{${name}}}, which ${missing} generated case(s) do not set: add it to redteam.vars or the suite's vars: (the run would stop at TEMPLATE_VARIABLE)`,
      );
    }
  }
  return warnings;
}

function countBy<T>(items: T[], key: (item: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
  return out;
}

/** mulberry32 seeded by a hash of the block's seed and a name: each plugin and strategy draws its own stream. */
export function seededRandom(seed: number, name: string): () => number {
  let state = createHash('sha256').update(`${seed}\u0000${name}`).digest().readUInt32BE(0);
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = [
  'KESTREL',
  'HERON',
  'MARTEN',
  'OSPREY',
  'PLOVER',
  'LINNET',
  'BITTERN',
  'WAGTAIL',
  'SISKIN',
  'DUNLIN',
  'GANNET',
  'CURLEW',
  'PETREL',
  'MERLIN',
  'AVOCET',
  'BUNTING',
];

/**
 * Canaries like "ZQ-4417-KESTREL": long, unusual, and unique within a generation. Each plugin draws from its own
 * seeded stream, so one plugin's attempts never move another's canaries.
 */
function canaryMaker(seed: number): (plugin: string) => () => string {
  const used = new Set<string>();
  return (plugin) => {
    const random = seededRandom(seed, `canary/${plugin}`);
    const letter = () => String.fromCharCode(65 + Math.floor(random() * 26));
    return () => {
      for (;;) {
        const value = `${letter()}${letter()}-${1000 + Math.floor(random() * 9000)}-${WORDS[Math.floor(random() * WORDS.length)]}`;
        if (!used.has(value)) {
          used.add(value);
          return value;
        }
      }
    };
  };
}
