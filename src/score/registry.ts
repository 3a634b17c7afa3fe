// The check registry: one line per check type. Everything else about checks is derived from this map:
// CHECK_TYPES (in this order in docs and error messages), the spec union type and its zod schema, the
// compile step, and which types are model-graded (their `judge` metadata). suite/ validates with it while
// loading, score/ prepares and evaluates with it.
import { z } from 'zod';
import { asksConfirmationBefore, maxSteps, toolArgs, toolCalled, toolNotCalled } from './checks/behaviour.js';
import { isJson, jsonSchema } from './checks/json.js';
import { javascript } from './checks/javascript.js';
import { maxCost, maxLatencyMs } from './checks/metrics.js';
import { regex } from './checks/regex.js';
import { abstains, canary, refusal } from './checks/safety.js';
import { trajectory } from './checks/trajectory.js';
import { contextRecall, hitAtK, mrr, ndcg } from './checks/retrieval.js';
import { contains, containsAll, containsAny, equals, length, levenshtein, similarity, startsWith } from './checks/text.js';
import { NOTHING_COMPILED, type CheckDefinition, type CheckLocation, type JudgeMetadata, type NothingCompiled } from './checks/definition.js';
import type { Evaluate, PrepareEnv } from './evaluator.js';
import { closedQa, factuality, faithfulness, judge } from './judges/checks.js';
import { judgeModelList, type JudgeModelInput } from './judges/fields.js';
import { pairwise } from './judges/pairwise.js';
import { rubric } from './judges/rubric.js';

export const CHECKS = {
  equals,
  contains,
  'contains-any': containsAny,
  'contains-all': containsAll,
  regex,
  'starts-with': startsWith,
  'is-json': isJson,
  'json-schema': jsonSchema,
  javascript,
  levenshtein,
  similarity,
  length,
  'max-latency-ms': maxLatencyMs,
  'max-cost': maxCost,
  'tool-called': toolCalled,
  'tool-not-called': toolNotCalled,
  'tool-args': toolArgs,
  trajectory,
  'max-steps': maxSteps,
  'asks-confirmation-before': asksConfirmationBefore,
  canary,
  refusal,
  abstains,
  judge,
  rubric,
  pairwise,
  factuality,
  'closed-qa': closedQa,
  faithfulness,
  'context-recall': contextRecall,
  'hit-at-k': hitAtK,
  mrr,
  ndcg,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each entry keeps its own spec type
} satisfies Record<string, CheckDefinition<string, any, any>>;

type Definitions = typeof CHECKS;
export type CheckType = keyof Definitions;

// Compile-time guard: every entry is registered under its own `type` (the error names the keys that are not).
type MisregisteredKeys = { [K in CheckType]: Definitions[K]['type'] extends K ? never : K }[CheckType];
const _keysMatch: [MisregisteredKeys] extends [never] ? true : MisregisteredKeys = true;
void _keysMatch;

/** Every check type, in the order the docs list them. */
export const CHECK_TYPES = Object.keys(CHECKS) as CheckType[];

/** A validated check of type T, defaults applied (weight, metric, severity, not, and per-type defaults). */
export type CheckSpecOf<T extends CheckType> = Omit<z.output<Definitions[T]['schema']>, 'metric'> & { metric: string };
/** A validated check (a union discriminated on `type`). */
export type CheckSpec = { [K in CheckType]: CheckSpecOf<K> }[CheckType];
/** What a suite author writes (before defaults). */
export type CheckSpecInput = { [K in CheckType]: z.input<Definitions[K]['schema']> }[CheckType];
/** What a type's compile step made of its spec. */
export type CompiledCheck = { [K in CheckType]: Definitions[K] extends CheckDefinition<string, z.ZodObject, infer C> ? C : never }[CheckType] | NothingCompiled;

/** Prepares one check of type T (the registry entry's `prepare`). */
export type CheckEvaluator<T extends CheckType = CheckType> = (spec: CheckSpecOf<T>, env: PrepareEnv<CompiledCheck>) => Evaluate | Promise<Evaluate>;

/** A definition with its spec type erased: what code that handles every type sees. */
type AnyDefinition = CheckDefinition<string, z.ZodObject, { type: string }>;
const definitionOf = (type: string): AnyDefinition | undefined =>
  Object.hasOwn(CHECKS, type) ? (CHECKS[type as CheckType] as unknown as AnyDefinition) : undefined;

export function isCheckType(value: unknown): value is CheckType {
  return typeof value === 'string' && definitionOf(value) !== undefined;
}

/** The schema of one check (a discriminated union on `type`; every option is strict; `metric` defaults to the type). */
export const checkSpecSchema = z.discriminatedUnion(
  'type',
  Object.values(CHECKS).map((definition) =>
    (definition.schema as z.ZodObject).transform((spec) => ({ ...spec, metric: (spec.metric as string | undefined) ?? (spec.type as string) })),
  ) as unknown as [z.ZodObject, ...z.ZodObject[]],
) as unknown as z.ZodType<CheckSpec, CheckSpecInput>;

/** The keys a check of this type accepts (for error messages and docs). */
export function checkKeys(type: CheckType): string[] {
  return Object.keys(CHECKS[type].schema.shape);
}

/** The text of a spec the compile step reads, when it may hold `{{...}}` placeholders (else undefined). */
export function templatedText(spec: CheckSpec): string | undefined {
  return definitionOf(spec.type)?.templated?.(spec);
}

/**
 * Compiles what a check needs at score time (the type's compile step: a regex, a JSON schema validator, an
 * inline expression). Call after rendering templates; throws CHECK_INVALID (with the compiler's reason) when
 * it does not compile. Results are cached by source, so calling it per case is cheap.
 */
export function compileCheck(spec: CheckSpec, where: CheckLocation = {}): CompiledCheck {
  const compile = definitionOf(spec.type)?.compile;
  return (compile ? compile(spec, where) : NOTHING_COMPILED) as CompiledCheck;
}

/** Prepares one check: the registry entry's `prepare` (undefined for an unknown type). */
export function evaluatorOf(type: string): CheckEvaluator | undefined {
  return definitionOf(type)?.prepare as CheckEvaluator | undefined;
}

/** The judge metadata of a model-graded check type (undefined for other checks). */
export function judgeMetadataOf(type: string): JudgeMetadata<CheckSpec> | undefined {
  return definitionOf(type)?.judge as JudgeMetadata<CheckSpec> | undefined;
}

/** The model-graded check types, derived from the definitions that carry judge metadata. */
export const JUDGE_CHECK_TYPES = CHECK_TYPES.filter((type) => judgeMetadataOf(type) !== undefined);

export function isJudgeCheckType(type: string): boolean {
  return judgeMetadataOf(type) !== undefined;
}

/** The judge models a check names ([] for checks that are not judge checks). */
export function judgeModelsOf(spec: { type: string }): JudgeModelInput[] {
  if (!isJudgeCheckType(spec.type)) return [];
  return judgeModelList((spec as unknown as { judge: JudgeModelInput | JudgeModelInput[] }).judge);
}

/** A check scored after every call finished, because it needs another variant's output (pairwise `against`). */
export function isDeferredCheck(spec: { type: string }): boolean {
  return judgeMetadataOf(spec.type)?.deferred?.(spec as CheckSpec) ?? false;
}

export type { CheckDefinition, CheckLocation, JudgeMetadata, JudgeModelInput };
