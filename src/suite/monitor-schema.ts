// The production half of the suite file (issue #15): `production:` (how live traffic is tagged and redacted at
// ingest) and `monitors:` (what is scored online, against which baseline, with which alert rule). Neither enters the
// suite hash: editing a monitor never blocks `--resume` of an offline run.
import { z } from 'zod';

/** `1h`, `6h`, `1d`, `7d`, `30d`: a duration in whole hours or days. */
export const DURATION_PATTERN = /^(\d+)(h|d)$/;
const duration = z.string().regex(DURATION_PATTERN, 'write a duration such as 1h, 6h, 1d, 7d or 30d');

export const MONITOR_METRICS = ['pass_rate', 'critical_rate', 'cost_per_call', 'p95_latency', 'refusal_rate', 'output_length', 'segment_mix'] as const;
export type MonitorMetric = (typeof MONITOR_METRICS)[number];

export const DEPLOYMENT_STAGES = ['observe', 'assist', 'act'] as const;
export type DeploymentStage = (typeof DEPLOYMENT_STAGES)[number];

const redactPatternSchema = z.strictObject({
  /** A JavaScript regular expression (flags g and u are added); every match is replaced. */
  regex: z.string().min(1),
  replace: z.string().default('[redacted]'),
});

export const productionSchema = z.strictObject({
  /** Attribute key → tag template: `app.plan: "plan:{{value}}"` tags a record whose app.plan is pro with `plan:pro`. */
  attributes: z.record(z.string().min(1), z.string().min(1)).default({}),
  redact: z
    .strictObject({
      /** Attribute keys dropped at ingest (never stored). */
      attributes: z.array(z.string().min(1)).default([]),
      /** Replaced in prompt messages, output, tool arguments and results, and string attributes, before storing. */
      patterns: z.array(redactPatternSchema).default([]),
    })
    .default({ attributes: [], patterns: [] }),
});
export type ProductionSpec = z.infer<typeof productionSchema>;

// `since` (run and label baselines): when the detector starts watching production; default the run's start. Set it
// when the run was made after the deployment it describes (a replay of past traffic, a run re-made every night).
const baselineSchema = z.union([
  z.strictObject({ run: z.string().min(1), since: z.string().min(1).optional() }),
  z.strictObject({ label: z.string().min(1), since: z.string().min(1).optional() }),
  z.strictObject({ window: z.strictObject({ since: z.string().min(1), until: z.string().min(1) }) }),
]);

const stageBarsSchema = z.strictObject({
  /** Lowest acceptable pass rate (the window's one-sided lower bound must clear it). */
  pass_rate: z.number().min(0).max(1).optional(),
  /** Highest acceptable critical-failure rate (the window's one-sided upper bound must stay under it). */
  critical_rate: z.number().min(0).max(1).optional(),
});

export const monitorSchema = z.strictObject({
  name: z
    .string()
    .min(1)
    .max(100)
    .regex(/^[\w.-]+$/, 'use letters, digits, ".", "_" or "-"'),
  description: z.string().optional(),
  /** Which records this monitor watches; every listed condition must hold. */
  filter: z
    .strictObject({
      models: z.array(z.string().min(1)).optional(),
      tags: z.array(z.string().min(1)).optional(),
      attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    })
    .default({}),
  /** Share of matching records scored, decided by a hash of the trace id: re-ingesting gives the same sample. */
  sample: z.number().gt(0).max(1).default(1),
  /** The checks applied: metric names of the suite's `checks:`, or check specs; default: the suite's `checks:`. */
  checks: z.array(z.unknown()).optional(),
  /** Judge spend cap in USD per UTC day; records past it are stored `unscored` with the reason. */
  max_cost_per_day: z.number().positive().optional(),
  window: duration.default('1d'),
  /** What "no change" means: a stored run (id or `latest`), the latest completed run with a label, or a production window. */
  baseline: baselineSchema.optional(),
  metrics: z
    .array(z.enum(MONITOR_METRICS))
    .min(1)
    .default([...MONITOR_METRICS]),
  alert: z
    .strictObject({
      /** The largest chance that the rule alerts at least once in `period` when nothing changed. */
      false_alarm_rate: z.number().gt(0).lt(0.5).default(0.01),
      period: duration.default('30d'),
      /** No alert (of any kind) before this many scored samples in the window. */
      min_samples: z.number().int().min(1).default(200),
    })
    .default({ false_alarm_rate: 0.01, period: '30d', min_samples: 200 }),
  /** Bars the window must clear (one-sided bound vs the bar), as in the suite's `bars:`. */
  bars: stageBarsSchema.optional(),
  /** The seeds' deployment stages: where the feature is now, and the bars each stage needs. */
  stage: z.enum(DEPLOYMENT_STAGES).optional(),
  stages: z.partialRecord(z.enum(DEPLOYMENT_STAGES), stageBarsSchema).optional(),
  /** Slack-compatible webhook for alerts; `${ENV}` placeholders resolve from the environment (never stored). */
  webhook: z.string().min(1).optional(),
});
export type MonitorSpec = z.infer<typeof monitorSchema>;

export const monitorsSchema = z.array(monitorSchema).default([]);

/** A duration of the form DURATION_PATTERN in milliseconds. */
export function durationMs(text: string): number {
  const m = DURATION_PATTERN.exec(text);
  if (!m) throw new Error(`not a duration: ${text}`);
  return Number(m[1]) * (m[2] === 'h' ? 3_600_000 : 86_400_000);
}
