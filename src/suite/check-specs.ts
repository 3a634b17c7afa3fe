// The suite format's source of truth for checks: one strict zod schema per check type, the validator that
// turns a raw YAML value into a typed CheckSpec (with errors that name the fix), and the compile step
// (regex, JSON schema, inline javascript) that the plan stage runs after rendering {{var}} templates.
import { isIPv4, isIPv6 } from 'node:net';
import { Ajv, type Format, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { z } from 'zod';
import { EvalspecError } from '../errors.js';
import { commonCheckFields, nonEmptyString } from './check-common.js';
import { judgeCheckObjects } from './judge-specs.js';
import { suggest } from './suggest.js';

export { suggest };

/** Every check type, in the order the docs list them. */
export const CHECK_TYPES = [
  'equals',
  'contains',
  'contains-any',
  'contains-all',
  'regex',
  'starts-with',
  'is-json',
  'json-schema',
  'javascript',
  'levenshtein',
  'similarity',
  'length',
  'max-latency-ms',
  'max-cost',
  // Model-graded checks (judge-specs.ts, docs/judges.md)
  'judge',
  'rubric',
  'pairwise',
  'factuality',
  'closed-qa',
  'faithfulness',
] as const;

export type CheckType = (typeof CHECK_TYPES)[number];

/** Where a check was written, for error messages. */
export interface CheckLocation {
  file?: string;
  line?: number;
  caseId?: string;
}

// ---------------------------------------------------------------------------------------------------------
// Schemas

const jsonValue = z.json();
const common = commonCheckFields;

const JS_MODULE_EXTENSIONS = ['.js', '.mjs', '.cjs'];

const objects = {
  equals: z
    .strictObject({
      type: z.literal('equals'),
      ...common,
      value: jsonValue,
      ignore_case: z.boolean().optional(),
      trim: z.boolean().optional(),
    })
    .superRefine((spec, ctx) => {
      if (typeof spec.value !== 'string') {
        for (const key of ['ignore_case', 'trim'] as const) {
          if (spec[key] !== undefined) {
            ctx.addIssue({
              code: 'custom',
              path: [key],
              message: `only applies when value is a string (this value is compared as parsed JSON)`,
            });
          }
        }
      }
    }),
  contains: z.strictObject({
    type: z.literal('contains'),
    ...common,
    value: nonEmptyString,
    ignore_case: z.boolean().optional(),
  }),
  'contains-any': z.strictObject({
    type: z.literal('contains-any'),
    ...common,
    value: z.array(nonEmptyString).min(1, { error: 'must list at least one string' }),
    ignore_case: z.boolean().optional(),
  }),
  'contains-all': z.strictObject({
    type: z.literal('contains-all'),
    ...common,
    value: z.array(nonEmptyString).min(1, { error: 'must list at least one string' }),
    ignore_case: z.boolean().optional(),
  }),
  regex: z.strictObject({
    type: z.literal('regex'),
    ...common,
    value: nonEmptyString,
    flags: z
      .string()
      .regex(/^[dgimsuvy]*$/, { error: 'may only contain the regex flags d, g, i, m, s, u, v, y' })
      .optional(),
  }),
  'starts-with': z.strictObject({
    type: z.literal('starts-with'),
    ...common,
    value: nonEmptyString,
    ignore_case: z.boolean().optional(),
  }),
  'is-json': z.strictObject({
    type: z.literal('is-json'),
    ...common,
    /** Accept output that is exactly one ```json fenced block (default true). */
    allow_fence: z.boolean().default(true),
  }),
  'json-schema': z.strictObject({
    type: z.literal('json-schema'),
    ...common,
    value: z.union([z.record(z.string(), jsonValue), z.boolean()], {
      error: 'must be a JSON schema (an object)',
    }),
  }),
  javascript: z
    .strictObject({
      type: z.literal('javascript'),
      ...common,
      value: nonEmptyString.optional(),
      file: nonEmptyString.optional(),
      function: nonEmptyString.optional(),
      threshold: z.number().min(0).max(1, { error: 'must be a number in [0, 1]' }).default(0.5),
      timeout_ms: z.number().int().positive().default(30_000),
    })
    .superRefine((spec, ctx) => {
      if ((spec.value === undefined) === (spec.file === undefined)) {
        ctx.addIssue({
          code: 'custom',
          path: [],
          message:
            'set exactly one of `value` (an inline expression such as `output.length < 200`) or `file` (a .js/.mjs module path)',
        });
      }
      if (spec.function !== undefined && spec.file === undefined) {
        ctx.addIssue({ code: 'custom', path: ['function'], message: 'only applies together with `file`' });
      }
      if (spec.file !== undefined && !JS_MODULE_EXTENSIONS.some((ext) => spec.file!.endsWith(ext))) {
        ctx.addIssue({
          code: 'custom',
          path: ['file'],
          message: `must be a JavaScript module ending in ${JS_MODULE_EXTENSIONS.join(', ')} (compile TypeScript first)`,
        });
      }
    }),
  levenshtein: z.strictObject({
    type: z.literal('levenshtein'),
    ...common,
    value: z.string(),
    /** Maximum edit distance that still passes. */
    threshold: z.number().int().min(0, { error: 'must be an integer >= 0 (max edit distance)' }).default(5),
    ignore_case: z.boolean().optional(),
  }),
  similarity: z.strictObject({
    type: z.literal('similarity'),
    ...common,
    value: z.string(),
    threshold: z.number().min(0).max(1, { error: 'must be a number in [0, 1]' }).default(0.8),
    ignore_case: z.boolean().optional(),
  }),
  length: z
    .strictObject({
      type: z.literal('length'),
      ...common,
      min: z.number().int().min(0).optional(),
      max: z.number().int().min(0).optional(),
      unit: z.enum(['chars', 'words']).default('chars'),
    })
    .superRefine((spec, ctx) => {
      if (spec.min === undefined && spec.max === undefined) {
        ctx.addIssue({ code: 'custom', path: [], message: 'set at least one of `min` or `max`' });
      } else if (spec.min !== undefined && spec.max !== undefined && spec.min > spec.max) {
        ctx.addIssue({ code: 'custom', path: ['min'], message: `min (${spec.min}) is greater than max (${spec.max})` });
      }
    }),
  'max-latency-ms': z.strictObject({
    type: z.literal('max-latency-ms'),
    ...common,
    value: z.number().min(0, { error: 'must be a number of milliseconds >= 0' }),
  }),
  'max-cost': z.strictObject({
    type: z.literal('max-cost'),
    ...common,
    value: z.number().min(0, { error: 'must be a cost in USD >= 0' }),
  }),
  ...judgeCheckObjects,
} satisfies Record<CheckType, z.ZodType>;

/** Fills `metric` with the type name when the suite does not set one. */
function withMetric<S extends z.ZodType<{ type: string; metric?: string | undefined }>>(schema: S) {
  return schema.transform((spec) => ({ ...spec, metric: spec.metric ?? spec.type }));
}

/** The schema of one check (a discriminated union on `type`; every option is strict). */
export const checkSpecSchema = z.discriminatedUnion('type', [
  withMetric(objects.equals),
  withMetric(objects.contains),
  withMetric(objects['contains-any']),
  withMetric(objects['contains-all']),
  withMetric(objects.regex),
  withMetric(objects['starts-with']),
  withMetric(objects['is-json']),
  withMetric(objects['json-schema']),
  withMetric(objects.javascript),
  withMetric(objects.levenshtein),
  withMetric(objects.similarity),
  withMetric(objects.length),
  withMetric(objects['max-latency-ms']),
  withMetric(objects['max-cost']),
  withMetric(objects.judge),
  withMetric(objects.rubric),
  withMetric(objects.pairwise),
  withMetric(objects.factuality),
  withMetric(objects['closed-qa']),
  withMetric(objects.faithfulness),
]);

/** A validated check, defaults applied (weight, metric, severity, not, and per-type defaults). */
export type CheckSpec = z.infer<typeof checkSpecSchema>;
/** The spec of one check type. */
export type CheckSpecOf<T extends CheckType> = Extract<CheckSpec, { type: T }>;
/** What a suite author writes (before defaults). */
export type CheckSpecInput = z.input<typeof checkSpecSchema>;

// Compile-time guard: the union covers exactly CHECK_TYPES.
type _Covers = [CheckType] extends [CheckSpec['type']] ? ([CheckSpec['type']] extends [CheckType] ? true : never) : never;
const _covers: _Covers = true;
void _covers;

/** The keys a check of this type accepts (for error messages and docs). */
export function checkKeys(type: CheckType): string[] {
  return Object.keys(objects[type].shape);
}

function isCheckType(value: unknown): value is CheckType {
  return typeof value === 'string' && (CHECK_TYPES as readonly string[]).includes(value);
}

const article = (word: string) => (/^[aeiou]/.test(word) ? 'an' : 'a');

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'string' ? JSON.stringify(value) : typeof value === 'object' ? 'an object' : String(value);
}

// ---------------------------------------------------------------------------------------------------------
// Validation

/**
 * Validates one raw check from the suite and applies defaults. Throws EvalspecError:
 * CHECK_UNKNOWN for an unknown `type` (lists the valid types, suggests the closest), CHECK_INVALID for a
 * missing type, an unknown key (lists the keys the type accepts), a wrong value, or a regex / JSON schema /
 * inline expression that does not compile. Values that contain `{{...}}` placeholders are compile-checked
 * later by `compileCheck`, after the plan stage renders them.
 */
export function validateCheckSpec(raw: unknown, where: CheckLocation = {}): CheckSpec {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new EvalspecError('CHECK_INVALID', `a check must be a mapping with a \`type\`, got ${describeValue(raw)}`, {
      ...where,
      hint: `write it as e.g. \`{ type: contains, value: "..." }\`; valid types: ${CHECK_TYPES.join(', ')}`,
    });
  }
  const type = (raw as Record<string, unknown>).type;
  if (type === undefined) {
    throw new EvalspecError('CHECK_INVALID', 'check has no `type`', {
      ...where,
      hint: `add \`type:\` with one of: ${CHECK_TYPES.join(', ')}`,
    });
  }
  if (!isCheckType(type)) {
    const typeText = typeof type === 'string' ? type : describeValue(type);
    const guess = typeof type === 'string' ? suggest(type, CHECK_TYPES) : undefined;
    throw new EvalspecError(
      'CHECK_UNKNOWN',
      `unknown check type "${typeText}"${guess ? ` (did you mean ${guess}?)` : ''}; valid types: ${CHECK_TYPES.join(', ')}`,
      { ...where, hint: guess ? `use \`type: ${guess}\`` : `use one of: ${CHECK_TYPES.join(', ')}` },
    );
  }

  const parsed = checkSpecSchema.safeParse(raw);
  if (!parsed.success) throw invalidSpecError(type, parsed.error, where);
  const spec = parsed.data;
  if (!hasPlaceholders(spec)) compileCheck(spec, where);
  return spec;
}

function invalidSpecError(type: CheckType, error: z.ZodError, where: CheckLocation): EvalspecError {
  const keys = checkKeys(type);
  const problems: string[] = [];
  const hints: string[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const guess = suggest(key, keys);
        problems.push(`unknown key \`${key}\`${guess ? ` (did you mean \`${guess}\`?)` : ''}`);
      }
      hints.push(`remove or rename it; ${article(type)} \`${type}\` check accepts only: ${keys.join(', ')}`);
    } else {
      const path = issue.path.length > 0 ? `\`${issue.path.join('.')}\`: ` : '';
      problems.push(`${path}${issue.message.replace(/^Invalid input: /, '')}`);
    }
  }
  const valid = `valid keys for \`${type}\`: ${keys.join(', ')}`;
  if (hints.length === 0) hints.push(`see docs/checks.md#${type}; ${valid}`);
  return new EvalspecError('CHECK_INVALID', `invalid \`${type}\` check: ${problems.join('; ')} (${valid})`, {
    ...where,
    hint: hints[0],
  });
}

const PLACEHOLDER = /\{\{[\s\S]*?\}\}/;

/** True when a compile-relevant value still holds `{{...}}` template placeholders. */
function hasPlaceholders(spec: CheckSpec): boolean {
  switch (spec.type) {
    case 'regex':
      return PLACEHOLDER.test(spec.value);
    case 'json-schema':
      return PLACEHOLDER.test(JSON.stringify(spec.value));
    case 'javascript':
      return spec.value !== undefined && PLACEHOLDER.test(spec.value);
    default:
      return false;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Compilation (cached: the same pattern / schema / expression compiles once per process)

/** The signature of a compiled inline `javascript` check. */
export type InlineCheckFunction = (output: string, vars: Record<string, unknown>, context: unknown) => unknown;

export type CompiledCheck =
  | { type: 'regex'; regex: RegExp }
  | { type: 'json-schema'; validate: ValidateFunction }
  | { type: 'javascript-inline'; fn: InlineCheckFunction; source: InlineCheckSource }
  | { type: 'none' };

const NONE: CompiledCheck = { type: 'none' };
const regexCache = new Map<string, RegExp>();
const schemaCache = new Map<string, ValidateFunction>();
const expressionCache = new Map<string, { fn: InlineCheckFunction; source: InlineCheckSource }>();

/** The function body an inline check compiled to, and whether it is async: user-code workers compile it again. */
export interface InlineCheckSource {
  body: string;
  isAsync: boolean;
}

/**
 * Compiles what a check needs at score time: the regex, the JSON schema validator, or the inline
 * expression. Call after rendering templates; throws CHECK_INVALID (with the compiler's reason) when it
 * does not compile. Results are cached by source, so calling it per case is cheap.
 */
export function compileCheck(spec: CheckSpec, where: CheckLocation = {}): CompiledCheck {
  switch (spec.type) {
    case 'regex':
      return { type: 'regex', regex: compileRegex(spec.value, spec.flags ?? '', where) };
    case 'json-schema':
      return { type: 'json-schema', validate: compileSchema(spec.value, where) };
    case 'javascript':
      return spec.value === undefined ? NONE : { type: 'javascript-inline', ...compileExpression(spec.value, where) };
    default:
      return NONE;
  }
}

function compileRegex(pattern: string, flags: string, where: CheckLocation): RegExp {
  // `g` and `y` make RegExp#test stateful (lastIndex); a check asks only "does it match", so drop them.
  const effective = flags.replace(/[gy]/g, '');
  const key = `${effective}/${pattern}`;
  let regex = regexCache.get(key);
  if (regex === undefined) {
    try {
      regex = new RegExp(pattern, effective);
    } catch (err) {
      throw new EvalspecError('CHECK_INVALID', `invalid \`regex\` check: ${(err as Error).message}`, {
        ...where,
        hint: 'fix the pattern (YAML: single-quote it so backslashes stay literal, e.g. \'\\d+\')',
        cause: err,
      });
    }
    regexCache.set(key, regex);
  }
  return regex;
}

// JSON schema: draft-07 by default, draft 2020-12 when the schema's $schema says so. Strict schema mode
// (unknown keywords are errors, so typos like "requried" are caught); the type/tuple lints are off.
const FORMATS: Record<string, Format> = {
  date: (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s) && validDate(s),
  time: /^(?:[01]\d|2[0-3]):[0-5]\d:(?:[0-5]\d|60)(?:\.\d+)?(?:z|[+-](?:[01]\d|2[0-3]):[0-5]\d)?$/i,
  'date-time': (s: string) => {
    const m = /^(\d{4}-\d{2}-\d{2})[tT ](?:[01]\d|2[0-3]):[0-5]\d:(?:[0-5]\d|60)(?:\.\d+)?(?:[zZ]|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/.exec(s);
    return m !== null && validDate(m[1]);
  },
  email: /^[^\s@"<>()[\]\\,;:]+@[^\s@"<>()[\]\\,;:]+\.[^\s@"<>()[\]\\,;:.]+$/,
  uri: (s: string) => /^[a-z][a-z0-9+.-]*:/i.test(s) && URL.canParse(s),
  uuid: /^(?:urn:uuid:)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  ipv4: (s: string) => isIPv4(s),
  ipv6: (s: string) => isIPv6(s),
  hostname: /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i,
};

function validDate(s: string): boolean {
  const [y, m, d] = s.split('-').map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

const AJV_OPTIONS = {
  allErrors: false,
  strictTypes: false,
  strictTuples: false,
  addUsedSchema: false,
  formats: FORMATS,
  logger: false as const,
};
let ajv07: Ajv | undefined;
let ajv2020: Ajv2020 | undefined;

function ajvFor(schema: unknown): Ajv | Ajv2020 {
  const declared = typeof schema === 'object' && schema !== null ? (schema as Record<string, unknown>).$schema : undefined;
  if (typeof declared === 'string' && declared.includes('2020-12')) return (ajv2020 ??= new Ajv2020(AJV_OPTIONS));
  return (ajv07 ??= new Ajv(AJV_OPTIONS));
}

function compileSchema(schema: Record<string, unknown> | boolean, where: CheckLocation): ValidateFunction {
  const key = JSON.stringify(schema);
  let validate = schemaCache.get(key);
  if (validate === undefined) {
    try {
      validate = ajvFor(schema).compile(schema);
    } catch (err) {
      throw new EvalspecError('CHECK_INVALID', `invalid \`json-schema\` check: ${(err as Error).message}`, {
        ...where,
        hint:
          'fix the schema (draft-07, or draft 2020-12 via `$schema`); supported formats: ' + Object.keys(FORMATS).join(', '),
        cause: err,
      });
    }
    schemaCache.set(key, validate);
  }
  return validate;
}

// eslint-disable-next-line @typescript-eslint/no-empty-function
const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor as FunctionConstructor;

/**
 * Compiles an inline javascript check. Tried in order: an expression (`output.length < 200`), a function
 * body with `return`; async variants when the code uses `await`. `output`, `vars` and `context` are in scope.
 */
function compileExpression(code: string, where: CheckLocation): { fn: InlineCheckFunction; source: InlineCheckSource } {
  const cached = expressionCache.get(code);
  if (cached !== undefined) return cached;
  const expression = code.trim().replace(/;+\s*$/, '');
  const sync: [FunctionConstructor, string][] = [
    [Function, `"use strict";\nreturn (\n${expression}\n);`],
    [Function, `"use strict";\n${code}`],
  ];
  const async: [FunctionConstructor, string][] = [
    [AsyncFunction, `"use strict";\nreturn (\n${expression}\n);`],
    [AsyncFunction, `"use strict";\n${code}`],
  ];
  const attempts = /\bawait\b/.test(code) ? [...async, ...sync] : [...sync, ...async];
  let firstError: unknown;
  let compiled: { fn: InlineCheckFunction; source: InlineCheckSource } | undefined;
  for (const [Ctor, body] of attempts) {
    try {
      // Compiled here only to reject bad syntax when the suite loads; the code runs in a user-code worker.
      compiled = { fn: new Ctor('output', 'vars', 'context', body) as InlineCheckFunction, source: { body, isAsync: Ctor === AsyncFunction } };
      break;
    } catch (err) {
      firstError ??= err;
    }
  }
  if (compiled === undefined) {
    const shown = code.length > 60 ? `${code.slice(0, 60)}…` : code;
    throw new EvalspecError('CHECK_INVALID', `invalid \`javascript\` check \`${shown}\`: ${String(firstError)}`, {
      ...where,
      hint: 'write an expression such as `output.length < 200`, or a function body that uses `return`',
      cause: firstError,
    });
  }
  expressionCache.set(code, compiled);
  return compiled;
}
