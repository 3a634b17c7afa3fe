import { describe, expect, it } from 'vitest';
import { isEvalspecError } from '../../src/errors.js';
import { CHECK_TYPES, checkKeys, checkSpecSchema, compileCheck, type CheckSpecOf } from '../../src/score/index.js';
import { validateCheckSpec } from '../../src/suite/check-specs.js';

/** Runs fn, expects an EvalspecError, returns it. */
function errorOf(fn: () => unknown) {
  try {
    fn();
  } catch (err) {
    if (isEvalspecError(err)) return err;
    throw err;
  }
  throw new Error('expected an EvalspecError, nothing was thrown');
}

describe('validateCheckSpec: defaults', () => {
  it('fills weight, metric (= type), severity and not', () => {
    const spec = validateCheckSpec({ type: 'contains', value: 'x' });
    expect(spec).toMatchObject({ type: 'contains', value: 'x', weight: 1, metric: 'contains', severity: 'normal', not: false });
  });

  it('keeps explicit common fields', () => {
    const spec = validateCheckSpec({
      type: 'regex',
      value: '\\d+',
      weight: 0,
      metric: 'has-number',
      severity: 'critical',
      not: true,
      description: 'no digits allowed',
    });
    expect(spec).toMatchObject({ weight: 0, metric: 'has-number', severity: 'critical', not: true, description: 'no digits allowed' });
  });

  it('applies per-type defaults', () => {
    expect(validateCheckSpec({ type: 'levenshtein', value: 'a' })).toMatchObject({ threshold: 5 });
    expect(validateCheckSpec({ type: 'similarity', value: 'a' })).toMatchObject({ threshold: 0.8 });
    expect(validateCheckSpec({ type: 'length', max: 3 })).toMatchObject({ unit: 'chars' });
    expect(validateCheckSpec({ type: 'javascript', value: 'true' })).toMatchObject({ threshold: 0.5, timeout_ms: 30000 });
    expect(validateCheckSpec({ type: 'is-json' })).toMatchObject({ allow_fence: true });
  });

  it('accepts every check type with a minimal valid spec', () => {
    const minimal: Record<(typeof CHECK_TYPES)[number], unknown> = {
      equals: { type: 'equals', value: { a: [1, 'b', null] } },
      contains: { type: 'contains', value: 'x' },
      'contains-any': { type: 'contains-any', value: ['x'] },
      'contains-all': { type: 'contains-all', value: ['x', 'y'] },
      regex: { type: 'regex', value: 'x+', flags: 'i' },
      'starts-with': { type: 'starts-with', value: 'x' },
      'is-json': { type: 'is-json' },
      'json-schema': { type: 'json-schema', value: { type: 'object' } },
      javascript: { type: 'javascript', file: 'checks.mjs', function: 'detailed' },
      levenshtein: { type: 'levenshtein', value: 'x', threshold: 0 },
      similarity: { type: 'similarity', value: 'x', threshold: 1 },
      length: { type: 'length', min: 1, max: 2, unit: 'words' },
      'max-latency-ms': { type: 'max-latency-ms', value: 1000 },
      'max-cost': { type: 'max-cost', value: 0.01 },
      'tool-called': { type: 'tool-called', tool: 'lookup' },
      'tool-not-called': { type: 'tool-not-called', tool: ['cancel', 'refund'] },
      'tool-args': { type: 'tool-args', tool: 'lookup', subset: { id: 1 } },
      trajectory: { type: 'trajectory', expected: [{ name: 'lookup' }] },
      'max-steps': { type: 'max-steps', value: 5 },
      'asks-confirmation-before': { type: 'asks-confirmation-before', tools: ['cancel'] },
      canary: { type: 'canary', value: ['ZQ-4417-KESTREL', '{{api_key}}'] },
      refusal: { type: 'refusal', not: true },
      abstains: { type: 'abstains', severity: 'critical' },
      judge: { type: 'judge', judge: 'openai:gpt-4o-mini', rubric: 'polite' },
      rubric: { type: 'rubric', judge: 'openai:gpt-4o-mini', dimensions: [{ name: 'tone', anchors: { 1: 'rude', 5: 'warm' } }] },
      pairwise: { type: 'pairwise', judge: 'openai:gpt-4o-mini', against: 'gpt-4o' },
      factuality: { type: 'factuality', judge: 'openai:gpt-4o-mini', reference: 'Paris' },
      'closed-qa': { type: 'closed-qa', judge: 'openai:gpt-4o-mini', criteria: 'says Paris' },
      faithfulness: { type: 'faithfulness', judge: 'openai:gpt-4o-mini' },
      'context-recall': { type: 'context-recall', expected: '{{relevant_ids}}', k: 5 },
      'hit-at-k': { type: 'hit-at-k', expected: ['d1', 2], k: 3 },
      mrr: { type: 'mrr', expected: 'd1, d2' },
      ndcg: { type: 'ndcg', expected: { d1: 3, d2: 1 }, k: 5 },
    };
    for (const type of CHECK_TYPES) expect(validateCheckSpec(minimal[type]).type).toBe(type);
    expect(CHECK_TYPES).toHaveLength(33);
  });

  it('exports the zod union itself', () => {
    expect(checkSpecSchema.safeParse({ type: 'contains', value: 'x' }).success).toBe(true);
    expect(checkSpecSchema.safeParse({ type: 'contains', value: 'x', extra: 1 }).success).toBe(false);
  });
});

describe('validateCheckSpec: errors', () => {
  it('unknown type: CHECK_UNKNOWN listing valid types and suggesting the closest', () => {
    const err = errorOf(() => validateCheckSpec({ type: 'contains_any', value: ['x'] }, { file: 'suite.yaml', line: 12, caseId: 'c1' }));
    expect(err.code).toBe('CHECK_UNKNOWN');
    expect(err.message).toContain('did you mean contains-any?');
    for (const type of CHECK_TYPES) expect(err.message).toContain(type);
    expect(err.location).toEqual({ file: 'suite.yaml', line: 12, caseId: 'c1' });
    expect(err.format()).toContain('suite.yaml:12');
  });

  it('suggests for misspellings and case differences', () => {
    expect(errorOf(() => validateCheckSpec({ type: 'regexp', value: 'x' })).message).toContain('did you mean regex?');
    expect(errorOf(() => validateCheckSpec({ type: 'Starts_With', value: 'x' })).message).toContain('did you mean starts-with?');
    expect(errorOf(() => validateCheckSpec({ type: 'json_schema', value: {} })).message).toContain('did you mean json-schema?');
  });

  it('does not suggest a far-fetched type', () => {
    const err = errorOf(() => validateCheckSpec({ type: 'llm-rubric', value: 'be nice' }));
    expect(err.code).toBe('CHECK_UNKNOWN');
    expect(err.message).not.toContain('did you mean');
    expect(err.message).toContain('valid types: equals, contains');
  });

  it('missing type or a non-mapping: CHECK_INVALID', () => {
    expect(errorOf(() => validateCheckSpec({ value: 'x' })).code).toBe('CHECK_INVALID');
    expect(errorOf(() => validateCheckSpec('contains')).code).toBe('CHECK_INVALID');
    expect(errorOf(() => validateCheckSpec(null)).message).toContain('null');
  });

  it('unknown key: CHECK_INVALID listing the keys of that type and suggesting one', () => {
    const err = errorOf(() => validateCheckSpec({ type: 'contains', value: 'x', ignoreCase: true }));
    expect(err.code).toBe('CHECK_INVALID');
    expect(err.message).toContain('unknown key `ignoreCase`');
    expect(err.message).toContain('did you mean `ignore_case`?');
    expect(err.message).toContain('valid keys for `contains`: type, weight, metric, severity, not, description, value, ignore_case');
    expect(err.hint).toContain('accepts only');
  });

  it('a key valid for another type is still unknown here', () => {
    const err = errorOf(() => validateCheckSpec({ type: 'regex', value: 'x', ignore_case: true }));
    expect(err.code).toBe('CHECK_INVALID');
    expect(err.hint).toContain('flags');
    expect(err.hint).not.toContain('ignore_case');
  });

  it('wrong value types name the field', () => {
    const err = errorOf(() => validateCheckSpec({ type: 'contains', value: 3 }));
    expect(err.code).toBe('CHECK_INVALID');
    expect(err.message).toMatch(/`value`.*string/);
    expect(errorOf(() => validateCheckSpec({ type: 'contains', value: 'x', weight: -1 })).message).toContain('`weight`');
    expect(errorOf(() => validateCheckSpec({ type: 'contains', value: 'x', severity: 'high' })).message).toContain('`severity`');
    expect(errorOf(() => validateCheckSpec({ type: 'contains', value: '' })).message).toContain('non-empty');
    expect(errorOf(() => validateCheckSpec({ type: 'contains-any', value: [] })).message).toContain('at least one');
    expect(errorOf(() => validateCheckSpec({ type: 'similarity', value: 'x', threshold: 1.5 })).message).toContain('`threshold`');
  });

  it('invalid regex: CHECK_INVALID with the reason', () => {
    const err = errorOf(() => validateCheckSpec({ type: 'regex', value: '([a-z]+' }));
    expect(err.code).toBe('CHECK_INVALID');
    expect(err.message).toMatch(/Unterminated group|Invalid regular expression/);
    expect(errorOf(() => validateCheckSpec({ type: 'regex', value: 'x', flags: 'q' })).message).toContain('`flags`');
  });

  it('invalid JSON schema: CHECK_INVALID with the reason', () => {
    const typo = errorOf(() => validateCheckSpec({ type: 'json-schema', value: { type: 'object', requried: ['a'] } }));
    expect(typo.code).toBe('CHECK_INVALID');
    expect(typo.message).toContain('requried');
    const badType = errorOf(() => validateCheckSpec({ type: 'json-schema', value: { type: 'strin' } }));
    expect(badType.code).toBe('CHECK_INVALID');
    expect(badType.message).toContain('schema is invalid');
    expect(errorOf(() => validateCheckSpec({ type: 'json-schema', value: 'object' })).code).toBe('CHECK_INVALID');
    const format = errorOf(() => validateCheckSpec({ type: 'json-schema', value: { type: 'string', format: 'credit-card' } }));
    expect(format.message).toContain('unknown format');
  });

  it('invalid inline javascript: CHECK_INVALID', () => {
    const err = errorOf(() => validateCheckSpec({ type: 'javascript', value: 'output.length <' }));
    expect(err.code).toBe('CHECK_INVALID');
    expect(err.message).toContain('javascript');
  });

  it('javascript needs exactly one of value / file, and a JS module path', () => {
    expect(errorOf(() => validateCheckSpec({ type: 'javascript' })).message).toContain('exactly one of `value`');
    expect(errorOf(() => validateCheckSpec({ type: 'javascript', value: 'true', file: 'a.mjs' })).code).toBe('CHECK_INVALID');
    expect(errorOf(() => validateCheckSpec({ type: 'javascript', value: 'true', function: 'f' })).message).toContain('`function`');
    expect(errorOf(() => validateCheckSpec({ type: 'javascript', file: 'check.ts' })).message).toContain('.mjs');
  });

  it('length needs min or max, and min <= max', () => {
    expect(errorOf(() => validateCheckSpec({ type: 'length' })).message).toContain('at least one of `min` or `max`');
    expect(errorOf(() => validateCheckSpec({ type: 'length', min: 5, max: 2 })).message).toContain('greater than max');
    expect(errorOf(() => validateCheckSpec({ type: 'length', max: 2.5 })).code).toBe('CHECK_INVALID');
  });

  it('equals: ignore_case/trim only make sense for a string value', () => {
    const err = errorOf(() => validateCheckSpec({ type: 'equals', value: { a: 1 }, ignore_case: true }));
    expect(err.code).toBe('CHECK_INVALID');
    expect(err.message).toContain('`ignore_case`');
  });
});

describe('templates and compileCheck', () => {
  it('accepts {{var}} placeholders in values and defers compiling them', () => {
    expect(validateCheckSpec({ type: 'contains', value: '{{city}}' }).type).toBe('contains');
    // `{{name}}(` would not compile as a regex as written; it is checked after rendering.
    const spec = validateCheckSpec({ type: 'regex', value: '^{{name}}(' }) as CheckSpecOf<'regex'>;
    const err = errorOf(() => compileCheck({ ...spec, value: '^Ada(' }, { caseId: 'c9' }));
    expect(err.code).toBe('CHECK_INVALID');
    expect(err.location.caseId).toBe('c9');
    expect(compileCheck({ ...spec, value: '^Ada\\(' })).toMatchObject({ type: 'regex' });
  });

  it('defers schemas with placeholders too', () => {
    const spec = validateCheckSpec({ type: 'json-schema', value: { type: '{{t}}' } }) as CheckSpecOf<'json-schema'>;
    expect(errorOf(() => compileCheck({ ...spec, value: { type: 'strin' } })).code).toBe('CHECK_INVALID');
    expect(compileCheck({ ...spec, value: { type: 'string' } }).type).toBe('json-schema');
  });

  it('returns the same compiled regex for the same pattern (cached)', () => {
    const spec = validateCheckSpec({ type: 'regex', value: 'ab+c', flags: 'gi' });
    const a = compileCheck(spec);
    const b = compileCheck(spec);
    if (a.type !== 'regex' || b.type !== 'regex') throw new Error('expected regex');
    expect(a.regex).toBe(b.regex);
    // g and y would make RegExp#test stateful; they are dropped.
    expect(a.regex.flags).toBe('i');
  });

  it('checkKeys lists the accepted keys of a type', () => {
    expect(checkKeys('length')).toEqual(['type', 'weight', 'metric', 'severity', 'not', 'description', 'min', 'max', 'unit']);
  });
});
