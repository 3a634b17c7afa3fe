// The experiment file (exp.yaml): its zod schema (the source of truth, strict: unknown keys are errors listing the
// valid ones) and its loader, which locates every problem at its line through suite/'s YAML-with-lines parser.
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { EvalspecError } from '../errors.js';
import { parseYamlWithLines, readTextFile, throwSchemaIssue } from '../suite/index.js';

const id = z.string().regex(/^[A-Za-z0-9_.:-]+$/, 'use letters, digits, _ . : -');

const armSchema = z.strictObject({
  id,
  weight: z.number().positive(),
  /** A suite variant id/label (the offline link). */
  variant: z.string().min(1).optional(),
  /** A stored run id for this arm's variant (default: the suite's latest run holding both variants). */
  run: z.string().min(1).optional(),
});

const fileSource = z.strictObject({ file: z.string().min(1) });
const sqlSource = z.strictObject({ sql: z.string().min(1), store: z.string().min(1).optional() });
const productionSource = z.strictObject({
  production: z.strictObject({ suite: z.string().min(1), arm: z.string().min(1), store: z.string().min(1).optional() }),
});
const source = z.union([fileSource, sqlSource, productionSource]);

export const AGGREGATES = ['sum', 'mean', 'max', 'count'] as const;
export type Aggregate = (typeof AGGREGATES)[number];

const common = {
  id,
  higher_is_better: z.boolean().default(true),
  /** Pre-period column (in pre_period) used for CUPED. */
  covariate: z.string().min(1).optional(),
};
const proportionMetric = z.strictObject({ ...common, type: z.literal('proportion'), column: z.string().min(1) });
const meanMetric = z.strictObject({ ...common, type: z.literal('mean'), column: z.string().min(1), aggregate: z.enum(AGGREGATES).default('sum') });
const ratioMetric = z.strictObject({ ...common, type: z.literal('ratio'), numerator: z.string().min(1), denominator: z.string().min(1) });
const metricSchema = z.discriminatedUnion('type', [proportionMetric, meanMetric, ratioMetric]);

const guardrailExtra = { max_worse: z.number().nonnegative(), relative: z.boolean().default(false) };
const guardrailSchema = z.discriminatedUnion('type', [
  z.strictObject({ ...common, id: id.optional(), metric: id, type: z.literal('proportion'), column: z.string().min(1), ...guardrailExtra }),
  z.strictObject({
    ...common,
    id: id.optional(),
    metric: id,
    type: z.literal('mean'),
    column: z.string().min(1),
    aggregate: z.enum(AGGREGATES).default('sum'),
    ...guardrailExtra,
  }),
  z.strictObject({
    ...common,
    id: id.optional(),
    metric: id,
    type: z.literal('ratio'),
    numerator: z.string().min(1),
    denominator: z.string().min(1),
    ...guardrailExtra,
  }),
]);

const dateLike = z.union([z.string(), z.date()]).transform((v, ctx) => {
  const t = v instanceof Date ? v.getTime() : Date.parse(v);
  if (Number.isNaN(t)) {
    ctx.addIssue({ code: 'custom', message: `not a date: ${String(v)} (use ISO 8601, e.g. 2026-11-01)` });
    return z.NEVER;
  }
  return t;
});

const analysisSchema = z.strictObject({
  level: z.number().gt(0.5).lt(1).default(0.95),
  correction: z.enum(['holm', 'bh']).default('holm'),
  sequential: z.boolean().default(false),
  /** GrowthBook's confidence-sequence tuning parameter (the sample size at which the sequence is tightest). */
  tuning: z.number().positive().default(5000),
  min_segment_units: z.number().int().positive().default(200),
  novelty_days: z.number().int().positive().default(7),
  start: dateLike.optional(),
  end: dateLike.optional(),
});

export const experimentFileSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  unit: z.string().min(1),
  arms: z.array(armSchema).min(2),
  control: id.optional(),
  suite: z.string().min(1).optional(),
  exposures: source,
  outcomes: source,
  pre_period: source.optional(),
  segments: z.array(z.string().min(1)).default([]),
  metrics: z.array(metricSchema).min(1),
  guardrails: z.array(guardrailSchema).default([]),
  analysis: analysisSchema.default(() => analysisSchema.parse({})),
});

export type ExperimentFile = z.infer<typeof experimentFileSchema>;
export type MetricSpec = z.infer<typeof metricSchema>;
export type GuardrailSpec = z.infer<typeof guardrailSchema>;
export type SourceSpec = z.infer<typeof source>;

/** A loaded experiment: the parsed file, where it lives (relative paths resolve against it) and the control arm. */
export interface ExperimentConfig extends ExperimentFile {
  /** The exp.yaml path, or null for a config object given directly. */
  file: string | null;
  dir: string;
  controlId: string;
}

const VALID_KEYS: Record<string, readonly string[]> = {
  '': Object.keys(experimentFileSchema.shape),
  analysis: Object.keys(analysisSchema.shape),
  arms: Object.keys(armSchema.shape),
};

function validKeysAt(path: readonly PropertyKey[]): readonly string[] | undefined {
  return VALID_KEYS[typeof path[0] === 'string' ? path[0] : ''] ?? (path.length === 0 ? VALID_KEYS[''] : undefined);
}

/** Check what zod cannot: ids unique, control names an arm, a covariate needs a pre-period. Returns [path, message, hint]. */
function crossCheck(parsed: ExperimentFile): [(string | number)[], string, string] | null {
  const armIds = parsed.arms.map((a) => a.id);
  const dup = armIds.find((a, i) => armIds.indexOf(a) !== i);
  if (dup) return [['arms'], `arm id "${dup}" is used twice`, 'give every arm its own id'];
  if (parsed.control && !armIds.includes(parsed.control)) return [['control'], `control "${parsed.control}" is not an arm`, `use one of: ${armIds.join(', ')}`];
  const metricIds = [...parsed.metrics.map((m) => m.id), ...parsed.guardrails.map((g) => g.id ?? g.metric)];
  const dupMetric = metricIds.find((m, i) => metricIds.indexOf(m) !== i);
  if (dupMetric) return [['metrics'], `metric id "${dupMetric}" is used twice (metrics and guardrails share one namespace)`, 'rename one of them'];
  const withCovariate = [...parsed.metrics, ...parsed.guardrails].findIndex((m) => m.covariate);
  if (withCovariate >= 0 && !parsed.pre_period) {
    return [
      ['metrics'],
      'a metric names a covariate but the file has no pre_period',
      'add pre_period: { file: pre.csv } with the unit and covariate columns, or drop covariate:',
    ];
  }
  return null;
}

/** Parse an already-read experiment object (tests, the package API); `file` locates errors. */
export function parseExperiment(data: unknown, file: string | null, lineOf?: (path: readonly (string | number)[]) => number | undefined): ExperimentConfig {
  const where = file ?? '(experiment config)';
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new EvalspecError('EXPERIMENT_FILE', 'the experiment file must be a YAML mapping (name:, unit:, arms:, exposures:, outcomes:, metrics:, ...)', {
      file: where,
      line: 1,
      hint: 'see docs/experiments.md for a complete example',
    });
  }
  const parsed = experimentFileSchema.safeParse(data);
  if (!parsed.success) throwSchemaIssue(parsed.error, { code: 'EXPERIMENT_FILE', file: where, lineOf, validKeysAt });
  const problem = crossCheck(parsed.data);
  if (problem) throw new EvalspecError('EXPERIMENT_FILE', problem[1], { file: where, line: lineOf?.(problem[0]), hint: problem[2] });
  return { ...parsed.data, file, dir: file ? dirname(file) : process.cwd(), controlId: parsed.data.control ?? parsed.data.arms[0].id };
}

export function loadExperiment(path: string): ExperimentConfig {
  const file = resolve(path);
  if (!existsSync(file)) {
    throw new EvalspecError('EXPERIMENT_FILE', `experiment file not found: ${file}`, {
      file,
      hint: 'give the path of an exp.yaml (see docs/experiments.md for its format)',
    });
  }
  const text = readTextFile(file, 'EXPERIMENT_FILE');
  const { data, lineOf } = parseYamlWithLines(text, file);
  return parseExperiment(data, file, lineOf);
}

/** A source path relative to the experiment file. */
export function sourcePath(config: ExperimentConfig, path: string): string {
  return isAbsolute(path) ? path : resolve(config.dir, path);
}
