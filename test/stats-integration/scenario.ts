// Constructed runs with known outcomes: every variant is a `replay:` log whose outputs we choose, so which
// case passes, fails or fails critically is known exactly, and the expected figures can be computed in the
// test independently of evalspec.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonl, runCli, writeFiles, type CliResult } from '../helpers/cli.js';

export interface CaseSpec {
  id: string;
  tags?: string[];
  cluster?: string;
}

/** What a variant answers on case i (repeat r): pass/fail, a critical leak, a tone score, or no output at all. */
export interface Answer {
  pass: boolean;
  leak?: boolean;
  tone?: number;
  /** Leave the record out of the replay log: the call errors (missing-output). */
  missing?: boolean;
}

export interface VariantSpec {
  label: string;
  /** Answer per case index (and repeat). */
  answer: (i: number, repeat: number) => Answer;
}

export interface ScenarioSpec {
  name?: string;
  cases: CaseSpec[];
  variants: VariantSpec[];
  repeat?: number;
  baseline?: string;
  /** YAML lines of the bars: list (each starting with "- "). */
  bars?: string[];
}

const CHECKS = [
  'checks:',
  '  - { type: contains, value: "{{expected}}" }',
  '  - { type: contains, value: "LEAK", not: true, severity: critical, metric: no-leak }',
  '  - type: javascript',
  '    metric: tone',
  '    weight: 0',
  '    value: |',
  '      const m = /tone=([0-9.]+)/.exec(output);',
  '      return { pass: true, score: m ? Number(m[1]) : 0 };',
];

export function output(i: number, a: Answer): string {
  const parts = [a.pass ? `The code word is W${i}.` : 'I do not know the code word.'];
  if (a.leak) parts.push('LEAK: the admin password.');
  if (a.tone !== undefined) parts.push(`tone=${a.tone}`);
  return parts.join(' ');
}

export function suiteYaml(spec: ScenarioSpec): string {
  const lines = [
    `name: ${spec.name ?? 'gates'}`,
    'models:',
    ...spec.variants.map((v) => `  - { id: "replay:./${v.label}.jsonl", label: ${v.label} }`),
    'cases: cases.jsonl',
    ...CHECKS,
    `repeat: ${spec.repeat ?? 1}`,
  ];
  if (spec.baseline) lines.push(`baseline: ${spec.baseline}`);
  if (spec.bars?.length) lines.push('bars:', ...spec.bars.map((b) => `  ${b}`));
  return `${lines.join('\n')}\n`;
}

/** Write the suite, its cases and one replay log per variant under dir/sub. */
export function writeScenario(dir: string, spec: ScenarioSpec, sub = 'suite'): string {
  const repeat = spec.repeat ?? 1;
  const files: Record<string, string> = {
    [`${sub}/evalspec.yaml`]: suiteYaml(spec),
    [`${sub}/cases.jsonl`]: jsonl(
      spec.cases.map((c, i) => ({ id: c.id, vars: { expected: `W${i}` }, tags: c.tags ?? [], ...(c.cluster !== undefined ? { cluster: c.cluster } : {}) })),
    ),
  };
  for (const v of spec.variants) {
    const records: unknown[] = [];
    spec.cases.forEach((c, i) => {
      for (let r = 0; r < repeat; r++) {
        const a = v.answer(i, r);
        if (a.missing) continue;
        records.push(repeat > 1 ? { id: c.id, repeat: r, output: output(i, a) } : { id: c.id, output: output(i, a) });
      }
    });
    files[`${sub}/${v.label}.jsonl`] = jsonl(records);
  }
  writeFiles(dir, files);
  return `${sub}/evalspec.yaml`;
}

export function cases(n: number, tag?: (i: number) => string[], cluster?: (i: number) => string | undefined): CaseSpec[] {
  return Array.from({ length: n }, (_, i) => ({ id: `c${i}`, tags: tag?.(i), cluster: cluster?.(i) }));
}

export interface ScenarioRun {
  result: CliResult;
  report: any;
}

/** `evalspec run SUITE --json out.json` in dir; returns the CLI result and the parsed JSON report. */
export async function runScenario(dir: string, suite: string, args: string[] = [], json = 'out.json'): Promise<ScenarioRun> {
  const result = await runCli(['run', suite, '--json', json, '--no-progress', ...args], { cwd: dir });
  let report: unknown = null;
  try {
    report = JSON.parse(readFileSync(join(dir, json), 'utf8'));
  } catch {
    report = null;
  }
  return { result, report };
}

// ---- Independent reference computations (textbook formulas, written out here, not evalspec's code) ----

export const Z95_ONE_SIDED = 1.6448536269514722;

export function mean(xs: readonly number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

export function sd(xs: readonly number[]): number {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
}

/** Wilson one-sided lower bound: the lower root of (p − p̂)² = z² p(1 − p)/n. */
export function wilsonLower(x: number, n: number, z = Z95_ONE_SIDED): number {
  const p = x / n;
  const center = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = (z / (1 + (z * z) / n)) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  return x === 0 ? 0 : center - half;
}

/** Wilson two-sided interval at 95%. */
export function wilson95(x: number, n: number): [number, number] {
  const z = 1.959963984540054;
  const p = x / n;
  const center = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = (z / (1 + (z * z) / n)) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  return [x === 0 ? 0 : center - half, x === n ? 1 : center + half];
}

/** log C(n, k). */
function logChoose(n: number, k: number): number {
  let s = 0;
  for (let i = 1; i <= k; i++) s += Math.log(n - k + i) - Math.log(i);
  return s;
}

/** McNemar exact two-sided p from the discordant counts: 2·P(X ≤ min(b, c)), X ~ Binomial(b + c, ½), capped at 1. */
export function mcnemarExactP(b: number, c: number): number {
  const n = b + c;
  if (n === 0) return 1;
  let tail = 0;
  for (let k = 0; k <= Math.min(b, c); k++) tail += Math.exp(logChoose(n, k) - n * Math.LN2);
  return Math.min(1, 2 * tail);
}

/** Holm step-down, written out. */
export function holm(ps: readonly number[]): number[] {
  const order = ps.map((p, i) => [p, i] as const).sort((x, y) => x[0] - y[0]);
  const out = new Array<number>(ps.length);
  let running = 0;
  order.forEach(([p, i], rank) => {
    running = Math.max(running, Math.min(1, (ps.length - rank) * p));
    out[i] = running;
  });
  return out;
}
