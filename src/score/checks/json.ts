// JSON checks: is-json and json-schema. Both parse the whole output; a single ```json fence around it is
// unwrapped (is-json can demand raw JSON with `allow_fence: false`).
import { isIPv4, isIPv6 } from 'node:net';
import { Ajv, type ErrorObject, type Format, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { z } from 'zod';
import { EvalspecError } from '../../errors.js';
import { fail, pass } from '../evaluator.js';
import { parseJsonOutput } from '../output-view.js';
import { commonCheckFields as common, defineCheck, type CheckLocation } from './definition.js';

export const isJson = defineCheck({
  type: 'is-json',
  schema: z.strictObject({
    type: z.literal('is-json'),
    ...common,
    /** Accept output that is exactly one ```json fenced block (default true). */
    allow_fence: z.boolean().default(true),
  }),
  prepare: (spec) => {
    const plain = pass('output is valid JSON');
    const fenced = pass('output is valid JSON (inside a ```json fence)');
    return (view) => {
      const parsed = spec.allow_fence ? view.json : parseJsonOutput(view.raw, false);
      if (parsed.ok) return parsed.fenced ? fenced : plain;
      const raw = view.raw.trim();
      const note = !spec.allow_fence && raw.startsWith('```') ? ' (fenced output is not accepted: allow_fence is false)' : '';
      return fail(`output is not valid JSON: ${parsed.error}${note}`);
    };
  },
});

export const jsonSchema = defineCheck({
  type: 'json-schema',
  schema: z.strictObject({
    type: z.literal('json-schema'),
    ...common,
    value: z.union([z.record(z.string(), z.json()), z.boolean()], {
      error: 'must be a JSON schema (an object)',
    }),
  }),
  templated: (spec) => JSON.stringify(spec.value),
  compile: (spec, where) => ({ type: 'json-schema' as const, validate: compileSchema(spec.value, where) }),
  prepare: (_spec, env) => {
    const validate = env.compiled.validate;
    const ok = pass('output matches the JSON schema');
    return (view) => {
      const parsed = view.json;
      if (!parsed.ok) return fail(`output is not valid JSON: ${parsed.error}`);
      if (validate(parsed.value)) return ok;
      return fail(`output does not match the JSON schema: ${formatErrors(validate.errors)}`);
    };
  },
});

/** Ajv's first errors as one line (`/path message; …`); shared with tool arguments checked against a tool's parameters. */
export function formatErrors(errors: ErrorObject[] | null | undefined): string {
  if (!errors || errors.length === 0) return 'invalid';
  return errors
    .slice(0, 3)
    .map((e) => `${e.instancePath || '(root)'} ${e.message ?? e.keyword}`)
    .join('; ');
}

const schemaCache = new Map<string, ValidateFunction>();

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

/**
 * A JSON schema compiled the way the json-schema check does (draft-07, or 2020-12 via `$schema`; strict keywords;
 * the formats above), cached by content. Throws ajv's error when the schema does not compile (a tool's
 * `parameters` reuse it: suite/tools-schema.ts).
 */
export function compileJsonSchema(schema: Record<string, unknown> | boolean): ValidateFunction {
  const key = JSON.stringify(schema);
  let validate = schemaCache.get(key);
  if (validate === undefined) {
    validate = ajvFor(schema).compile(schema);
    schemaCache.set(key, validate);
  }
  return validate;
}

/** The names of the string formats a schema may use. */
export const JSON_SCHEMA_FORMATS = Object.keys(FORMATS);

/** compileJsonSchema with a CHECK_INVALID error naming where the schema is (json-schema and tool-args checks). */
export function compileSchema(schema: Record<string, unknown> | boolean, where: CheckLocation): ValidateFunction {
  try {
    return compileJsonSchema(schema);
  } catch (err) {
    throw new EvalspecError('CHECK_INVALID', `invalid \`json-schema\` check: ${(err as Error).message}`, {
      ...where,
      hint: 'fix the schema (draft-07, or draft 2020-12 via `$schema`); supported formats: ' + JSON_SCHEMA_FORMATS.join(', '),
      cause: err,
    });
  }
}
