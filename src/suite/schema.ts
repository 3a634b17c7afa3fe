// The suite file format. The zod schemas are the source of truth: types come from z.infer, and every
// user-facing object is strict, so an unknown key is an error that lists the valid ones.
import { z } from 'zod';
import { monitorsSchema, productionSchema } from './monitor-schema.js';
import { specBlockSchema } from './spec-schema.js';
import { REPEAT_REDUCE_PATTERN, reducerK } from '../stats/index.js';
import { PROVIDER_TYPES } from './provider-types.js';
import { maxStepsSchema, toolResultsSchema, toolsSchema, VALID_TOOL_KEYS } from './tools-schema.js';
import { simulatedUserSchema, turnsSchema, VALID_SIMULATED_USER_KEYS, VALID_TURN_KEYS } from './conversation-schema.js';
import { redteamSchema, VALID_REDTEAM_KEYS } from './redteam-schema.js';
// Model params and price shapes are shared with judge models, whose schemas live with the check definitions in
// score/ (suite imports score, never the reverse: docs/architecture.md).
import { modelEntryObjectSchema, paramsSchema, priceSchema, type GenerationParams, type PriceOverride } from '../score/index.js';

export { paramsSchema, priceSchema, type GenerationParams, type PriceOverride };

export { PROVIDER_TYPES, type ProviderType } from './provider-types.js';

export const messageSchema = z.strictObject({
  role: z.enum(['system', 'user', 'assistant']),
  content: z.string(),
});
export type Message = z.infer<typeof messageSchema>;

export const promptSchema = z.strictObject({
  id: z.string().min(1),
  description: z.string().optional(),
  messages: z.array(messageSchema).min(1),
});
export type Prompt = z.infer<typeof promptSchema>;

/** The account's limits for a model (per minute), used from the first request; the provider's headers refine them. */
export const rateLimitSchema = z.strictObject({
  rpm: z.number().positive().optional(),
  tpm: z.number().positive().optional(),
});
export type RateLimitSpec = z.infer<typeof rateLimitSchema>;

export const providerConfigSchema = z.strictObject({
  /** Defaults to the provider's id when that id is a known type (openai, anthropic, ...). */
  type: z.enum(PROVIDER_TYPES).optional(),
  baseURL: z.string().optional(),
  apiKey: z.string().optional(),
  headers: z.record(z.string(), z.string()).optional(),
  /** OpenAI only: which endpoint. Chat Completions is what OpenAI-compatible servers speak. */
  api: z.enum(['chat', 'responses']).optional(),
  /** Concurrency limit for this provider connection (the run's limit applies too). */
  concurrency: z.number().int().positive().optional(),
  timeout_ms: z.number().int().positive().optional(),
  /** Limits of each of this provider's models (a model's own rate_limit wins). */
  rate_limit: rateLimitSchema.optional(),
  /** Handed to a `function:` model as `input.config` (a model's own `config:` keys win): e.g. a chain's per-step models. */
  config: z.record(z.string(), z.unknown()).optional(),
});
export type ProviderConfig = z.infer<typeof providerConfigSchema>;

/** A model: "provider:model", or an entry with a label, params, price or price_as (the shape judge models share) and its declared rate limit. */
export const modelEntrySchema = z.union([
  z.string().min(1),
  modelEntryObjectSchema(z.string().min(1), z.string().min(1)).extend({
    rate_limit: rateLimitSchema.optional(),
    /** A `function:` model's `input.config` (docs/playground.md "Chains"): two entries of one file may differ only here. */
    config: z.record(z.string(), z.unknown()).optional(),
  }),
]);
export type ModelEntry = z.infer<typeof modelEntrySchema>;

export const retriesSchema = z.strictObject({
  max: z.number().int().min(0).max(20).default(6),
  base_ms: z.number().int().positive().default(500),
  max_ms: z.number().int().positive().default(30_000),
  /** How long one call may keep being rate-limited (429s) before it is an error. No default here: it would change every suite's hash. */
  max_wait_s: z.number().positive().optional(),
});

/** `repeat: 5`, or `repeat: { n: 5, reduce: pass^k }` to choose how a case's repeats make its pass value. */
export const repeatSchema = z.union([
  z.number().int().min(1).max(1000),
  z
    .strictObject({
      n: z.number().int().min(1).max(1000),
      reduce: z.string().regex(REPEAT_REDUCE_PATTERN, 'write mean, majority, all, pass@K or pass^K (K a number, or k for K = n), e.g. pass^k').default('mean'),
    })
    .refine((r) => (reducerK(r.reduce, r.n) ?? 0) <= r.n, { message: 'k of pass@k / pass^k cannot exceed n (the repeats per case)', path: ['reduce'] }),
]);

export const barSchema = z.strictObject({
  metric: z.string().optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  max_rate: z.number().min(0).max(1).optional(),
  severity: z.enum(['normal', 'critical']).optional(),
  segment: z.string().optional(),
  variant: z.string().optional(),
  compare: z.string().optional(),
  max_drop: z.number().nonnegative().optional(),
  level: z.number().gt(0).lt(1).optional(),
  description: z.string().optional(),
});
export type BarSpec = z.infer<typeof barSchema>;

export const suiteFileSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  providers: z.record(z.string(), providerConfigSchema).default({}),
  models: z.array(modelEntrySchema).min(1),
  prompts: z.array(promptSchema).min(1).optional(),
  cases: z.union([z.string().min(1), z.array(z.unknown())]),
  /** Default vars of every case (a case's own win): e.g. a canary the system prompt shows (docs/suite-format.md). */
  vars: z.record(z.string(), z.unknown()).optional(),
  checks: z.array(z.unknown()).default([]),
  params: paramsSchema.optional(),
  repeat: repeatSchema.default(1),
  concurrency: z.number().int().min(1).max(1024).default(8),
  timeout_ms: z.number().int().positive().default(60_000),
  /** Stream network models' answers (time to first token recorded; issue #20). Out of the suite hash: it changes no output. */
  stream: z.boolean().optional(),
  retries: retriesSchema.default({ max: 6, base_ms: 500, max_ms: 30_000 }),
  bars: z.array(barSchema).default([]),
  /** The variant other variants are compared with (a model label or variant id). */
  baseline: z.string().optional(),
  /** The error taxonomy offered when labelling outputs in the viewer (`evalspec view`, review page). */
  error_tags: z.array(z.string().min(1).max(100)).max(50).optional(),
  /** Production traffic (issue #15): tags and redaction at ingest (docs/monitoring.md). */
  production: productionSchema.optional(),
  /** Online scoring and drift alerts on production traffic (docs/monitoring.md). */
  monitors: monitorsSchema,
  /** Tools a network model may call; with tools declared a model runs as an agent (docs/agents.md). */
  tools: toolsSchema,
  /** Model steps (provider calls) an agent may take per case and repeat; default 10 (tools-schema.ts). */
  max_steps: maxStepsSchema,
  /** A model that plays the user of every case (a case's own keys win); docs/agents.md "Conversations". */
  simulated_user: simulatedUserSchema.optional(),
  /** The product spec's own fields (`evalspec spec`, docs/spec.md); out of the suite hash. */
  spec: specBlockSchema.optional(),
  /** Red-team generation (issue #18): purpose, plugins × strategies, where the cases go (docs/safety.md). */
  redteam: redteamSchema.optional(),
});
export type SuiteFile = z.infer<typeof suiteFileSchema>;

export const caseRecordSchema = z.strictObject({
  id: z.union([z.string().min(1), z.number()]).optional(),
  description: z.string().optional(),
  vars: z.record(z.string(), z.unknown()).default({}),
  tags: z.array(z.string()).default([]),
  checks: z.array(z.unknown()).default([]),
  /** Cases sharing a cluster (e.g. questions on one document) are not independent: SEs are clustered. */
  cluster: z.union([z.string(), z.number()]).optional(),
  /**
   * Where the case came from (e.g. `evalspec promote`: trace id, span id, date, monitor, failed checks). Free-form and
   * outside the case's content hash and the suite hash: it documents a case, it never changes what is run.
   */
  provenance: z.record(z.string(), z.unknown()).optional(),
  /** This case's answers of the suite's tools, keyed by tool name (they win over the tool's own `results:`). */
  tool_results: toolResultsSchema,
  /** A scripted conversation: user messages in order, each with checks on the reply (docs/agents.md). */
  turns: turnsSchema,
  /** This case's simulated user (over the suite's); not with `turns:`. */
  simulated_user: simulatedUserSchema.optional(),
  /**
   * Pass when the weighted score of the case's checks reaches this (0–1) and no critical check failed, instead of
   * when every check passes (promptfoo's test-level `threshold`; docs/suite-format.md "Case threshold").
   */
  threshold: z.number().min(0).max(1).optional(),
});

/** Valid keys of each strict object, for "unknown key" messages. */
export const VALID_KEYS = {
  suite: Object.keys(suiteFileSchema.shape),
  provider: Object.keys(providerConfigSchema.shape),
  prompt: Object.keys(promptSchema.shape),
  message: Object.keys(messageSchema.shape),
  params: Object.keys(paramsSchema.shape),
  price: Object.keys(priceSchema.shape),
  retries: Object.keys(retriesSchema.shape),
  bar: Object.keys(barSchema.shape),
  case: Object.keys(caseRecordSchema.shape),
  model: ['id', 'label', 'params', 'price', 'price_as', 'rate_limit', 'config'],
  rateLimit: Object.keys(rateLimitSchema.shape),
  repeat: ['n', 'reduce'],
  tool: VALID_TOOL_KEYS,
  turn: VALID_TURN_KEYS,
  simulatedUser: VALID_SIMULATED_USER_KEYS,
  spec: Object.keys(specBlockSchema.shape),
  redteam: VALID_REDTEAM_KEYS,
} as const;
