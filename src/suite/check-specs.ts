// Check validation while the suite loads: turns a raw YAML value into a typed CheckSpec, with errors that
// name the fix. The check types themselves (schema, compile step, evaluator, judge metadata) are defined
// one per registry entry in score/ (score/registry.ts); the suite stage imports only their schemas and
// compile step from there, and re-exports the derived names its callers use.
import type { z } from 'zod';
import { EvalspecError } from '../errors.js';
import {
  CHECK_TYPES,
  checkKeys,
  checkSpecSchema,
  compileCheck,
  isCheckType,
  templatedText,
  type CheckLocation,
  type CheckSpec,
  type CheckType,
} from '../score/index.js';
import { suggest } from './suggest.js';

// The check types for suite/'s own files (index.ts re-exports the registry names from score/ directly).
export type { CheckSpec } from '../score/index.js';

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
  const text = templatedText(spec);
  return text !== undefined && PLACEHOLDER.test(text);
}
