// The JSON report contract (formatVersion 1), written down as a zod schema that tests parse reports with.
import { z } from 'zod';

const nullableNumber = z.number().nullable();
export const intervalSchema = z.strictObject({ method: z.string().min(1), level: z.number(), low: z.number(), high: z.number() });

export const jsonReportSchema = z.object({
  formatVersion: z.literal(1),
  runId: z.string(),
  status: z.enum(['completed', 'incomplete', 'cancelled']),
  suite: z.object({ name: z.string(), hash: z.string() }),
  variants: z.array(
    z.object({
      id: z.string(),
      model: z.string(),
      prompt: z.string(),
      cases: z.number().int(),
      passed: z.number().int(),
      failed: z.number().int(),
      errors: z.number().int(),
      passRate: nullableNumber,
      passRateCi: intervalSchema.nullable(),
      meanScore: nullableNumber,
      tokens: z.object({ input: nullableNumber, output: nullableNumber }),
      // What this run paid (a cache hit costs 0) and the same calls at list price; null when unknown.
      costUsd: nullableNumber,
      listCostUsd: nullableNumber,
      latencyMs: z.object({
        p50: nullableNumber,
        p95: nullableNumber,
        streamed: z.number().int().min(0),
        ttftP50: nullableNumber,
        ttftP95: nullableNumber,
        decodeTokensPerSecond: nullableNumber,
      }),
    }),
  ),
  // Rate limits met by the run (run/rate-limit/), only when one was: per minute, null when unknown.
  rateLimits: z
    .array(
      z.strictObject({
        model: z.string(),
        declared: z.strictObject({ rpm: nullableNumber, tpm: nullableNumber }),
        learned: z.strictObject({ rpm: nullableNumber, tpm: nullableNumber, inputTpm: nullableNumber, outputTpm: nullableNumber }),
        attempts: z.number().int(),
        rejected: z.number().int(),
        waitedS: z.number().nonnegative(),
        concurrencyWindow: z.number().int().positive().nullable(),
      }),
    )
    .optional(),
  results: z.array(
    z.object({
      caseId: z.string(),
      variantId: z.string(),
      repeat: z.number().int(),
      output: z.string().nullable(),
      pass: z.boolean().nullable(),
      score: nullableNumber,
      cached: z.boolean(),
      latencyMs: nullableNumber,
      ttftMs: nullableNumber,
      costUsd: nullableNumber,
      listCostUsd: nullableNumber,
      error: z.object({ class: z.string(), message: z.string().nullable() }).nullable(),
      checks: z.array(
        z.strictObject({
          type: z.string(),
          metric: z.string(),
          severity: z.enum(['normal', 'critical']),
          pass: z.boolean(),
          score: z.number(),
          reason: z.string(),
          // Judge checks only (docs/judges.md).
          judge: z.record(z.string(), z.unknown()).optional(),
          judgeCostUsd: nullableNumber.optional(),
          error: z.string().optional(),
        }),
      ),
    }),
  ),
});
export type JsonReport = z.infer<typeof jsonReportSchema>;
