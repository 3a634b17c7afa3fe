// What one check type is: its strict zod schema (the suite format), the compile step run once the plan has
// rendered {{var}} templates, the evaluator the score stage prepares per case, and, for model-graded checks,
// judge metadata. Each type is one `defineCheck({...})` in a file under score/checks/ or score/judges/, and
// one line of the registry (score/registry.ts), from which CHECK_TYPES, the spec union and its zod schema
// are derived. This file imports nothing of suite/: suite/ validates checks with these schemas.
import { z } from 'zod';
import type { CheckLocation, Evaluate, PrepareEnv } from '../evaluator.js';

export type { CheckLocation };

/** What a type without a compile step gets as `env.compiled`. */
export interface NothingCompiled {
  type: 'none';
}
export const NOTHING_COMPILED: NothingCompiled = { type: 'none' };

/** What a model-graded check tells the rest of the pipeline (judge client, calibration, reports). */
export interface JudgeMetadata<Spec> {
  /**
   * What a human label is compared with when the judge is calibrated: a pass/fail verdict ('binary'), a
   * rubric's per-dimension levels ('ordinal'), or a pairwise preference ('pairwise').
   */
  calibration: 'binary' | 'ordinal' | 'pairwise';
  /** The judge answers yes/no, so the pass threshold is fixed at 0.5 and calibration has none to tune. */
  fixedThreshold?: boolean;
  /** True when the check needs another variant's output: it is scored after every call finished. */
  deferred?: (spec: Spec) => boolean;
}

export interface CheckDefinition<T extends string = string, S extends z.ZodObject = z.ZodObject, C extends { type: string } = { type: string }> {
  type: T;
  /** Strict schema of what a suite author writes (`type: z.literal(T)`, `...commonCheckFields`, the type's keys). */
  schema: S;
  /** The text the compile step reads, when it may hold `{{...}}` placeholders (compiled after rendering then). */
  templated?: (spec: z.output<S>) => string | undefined;
  /** Compiles what the check needs at score time; throws CHECK_INVALID with the compiler's reason. Cached by source. */
  compile?: (spec: z.output<S>, where: CheckLocation) => C;
  /** Prepares one check (once per case): returns the hot-path function that judges one output. */
  prepare: (spec: z.output<S>, env: PrepareEnv<C>) => Evaluate | Promise<Evaluate>;
  /** Set for model-graded checks only. */
  judge?: JudgeMetadata<z.output<S>>;
}

/** Infers a definition's spec and compiled types from its schema and compile step. */
export function defineCheck<T extends string, S extends z.ZodObject, C extends { type: string } = NothingCompiled>(
  definition: CheckDefinition<T, S, C>,
): CheckDefinition<T, S, C> {
  return definition;
}

export const nonEmptyString = z.string().min(1, { error: 'must be a non-empty string' });

/** Fields every check accepts. `metric` defaults to the type name (filled in by the registry's union). */
export const commonCheckFields = {
  weight: z.number().min(0, { error: 'must be a number >= 0' }).default(1),
  metric: nonEmptyString.optional(),
  severity: z.enum(['normal', 'critical']).default('normal'),
  not: z.boolean().default(false),
  description: z.string().optional(),
};
