// JSON checks: is-json and json-schema. Both parse the whole output; a single ```json fence around it is
// unwrapped (is-json can demand raw JSON with `allow_fence: false`).
import type { ErrorObject } from 'ajv';
import type { CheckEvaluator } from '../evaluator.js';
import { fail, pass } from '../evaluator.js';
import { parseJsonOutput } from '../output-view.js';

export const isJson: CheckEvaluator<'is-json'> = (spec) => {
  const plain = pass('output is valid JSON');
  const fenced = pass('output is valid JSON (inside a ```json fence)');
  return (view) => {
    const parsed = spec.allow_fence ? view.json : parseJsonOutput(view.raw, false);
    if (parsed.ok) return parsed.fenced ? fenced : plain;
    const raw = view.raw.trim();
    const note = !spec.allow_fence && raw.startsWith('```') ? ' (fenced output is not accepted: allow_fence is false)' : '';
    return fail(`output is not valid JSON: ${parsed.error}${note}`);
  };
};

export const jsonSchema: CheckEvaluator<'json-schema'> = (_spec, env) => {
  if (env.compiled.type !== 'json-schema') throw new Error('json-schema check prepared without a compiled schema');
  const validate = env.compiled.validate;
  const ok = pass('output matches the JSON schema');
  return (view) => {
    const parsed = view.json;
    if (!parsed.ok) return fail(`output is not valid JSON: ${parsed.error}`);
    if (validate(parsed.value)) return ok;
    return fail(`output does not match the JSON schema: ${formatErrors(validate.errors)}`);
  };
};

function formatErrors(errors: ErrorObject[] | null | undefined): string {
  if (!errors || errors.length === 0) return 'invalid';
  return errors
    .slice(0, 3)
    .map((e) => `${e.instancePath || '(root)'} ${e.message ?? e.keyword}`)
    .join('; ');
}
