// The check registry is the one list of check types: CHECK_TYPES, the suite's schema, the evaluators and the
// judge types all come from it, and the docs have a section for each entry. A type added to the registry
// without a minimal spec below fails the test typecheck (Record<CheckType, ...>); one without docs fails here.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHECKS, JUDGE_CHECK_TYPES, isDeferredCheck, judgeModelsOf, prepareChecks, type CheckType } from '../../src/score/index.js';
import { CHECK_TYPES, checkSpecSchema } from '../../src/score/index.js';
import { validateCheckSpec } from '../../src/suite/check-specs.js';

const J = 'openai:gpt-4o-mini';
/** The smallest valid spec of each type, written by hand from docs/checks.md and docs/judges.md. */
const MINIMAL: Record<CheckType, Record<string, unknown>> = {
  equals: { type: 'equals', value: 'x' },
  contains: { type: 'contains', value: 'x' },
  'contains-any': { type: 'contains-any', value: ['x'] },
  'contains-all': { type: 'contains-all', value: ['x'] },
  regex: { type: 'regex', value: 'x' },
  'starts-with': { type: 'starts-with', value: 'x' },
  'is-json': { type: 'is-json' },
  'json-schema': { type: 'json-schema', value: { type: 'object' } },
  javascript: { type: 'javascript', value: 'true' },
  levenshtein: { type: 'levenshtein', value: 'x' },
  similarity: { type: 'similarity', value: 'x' },
  length: { type: 'length', max: 1 },
  'max-latency-ms': { type: 'max-latency-ms', value: 1 },
  'max-cost': { type: 'max-cost', value: 1 },
  'tool-called': { type: 'tool-called', tool: 't' },
  'tool-not-called': { type: 'tool-not-called', tool: 't' },
  'tool-args': { type: 'tool-args', tool: 't', equals: {} },
  trajectory: { type: 'trajectory', expected: [] },
  'max-steps': { type: 'max-steps', value: 1 },
  'asks-confirmation-before': { type: 'asks-confirmation-before', tools: ['t'] },
  canary: { type: 'canary', value: 'ZQ-4417-KESTREL' },
  refusal: { type: 'refusal' },
  abstains: { type: 'abstains' },
  judge: { type: 'judge', judge: J, rubric: 'polite' },
  rubric: { type: 'rubric', judge: J, dimensions: [{ name: 'tone', anchors: { 1: 'rude', 5: 'warm' } }] },
  pairwise: { type: 'pairwise', judge: J, against: 'other-variant' },
  factuality: { type: 'factuality', judge: J, reference: 'Paris' },
  'closed-qa': { type: 'closed-qa', judge: J, criteria: 'says Paris' },
  faithfulness: { type: 'faithfulness', judge: J },
  'context-recall': { type: 'context-recall', expected: ['d1'] },
  'hit-at-k': { type: 'hit-at-k', expected: ['d1'], k: 1 },
  mrr: { type: 'mrr', expected: ['d1'] },
  ndcg: { type: 'ndcg', expected: ['d1'] },
};

/** Headings of one level in a markdown file, optionally only inside the section that starts at `within`. */
function headings(file: string, level: string, within?: string): string[] {
  let text = readFileSync(new URL(`../../docs/${file}`, import.meta.url), 'utf8');
  if (within !== undefined) {
    const start = text.indexOf(`\n${within}\n`);
    const end = text.indexOf('\n## ', start + within.length + 2);
    text = text.slice(start, end === -1 ? undefined : end);
  }
  return [...text.matchAll(new RegExp(`^${level} (\\S+)$`, 'gm'))].map((m) => m[1]);
}

describe('the check registry', () => {
  it('is the one list of types: CHECK_TYPES is its keys, in order, and every entry is registered under its own type', () => {
    expect(CHECK_TYPES).toEqual(Object.keys(CHECKS));
    for (const [key, definition] of Object.entries(CHECKS)) expect(definition.type).toBe(key);
    // The unknown-type error lists them in the same order (docs order).
    expect(() => validateCheckSpec({ type: 'nope' })).toThrow(`valid types: ${Object.keys(CHECKS).join(', ')}`);
  });

  it('the suite stage accepts a minimal spec of every registered type, with `metric` defaulting to the type', () => {
    for (const type of Object.keys(CHECKS) as CheckType[]) {
      const spec = validateCheckSpec(MINIMAL[type]);
      expect(spec.type).toBe(type);
      expect(spec.metric).toBe(type);
      expect(checkSpecSchema.safeParse(MINIMAL[type]).success).toBe(true);
    }
  });

  it('the score stage prepares every type that needs no judge, from the same registry', async () => {
    const specs = (Object.keys(CHECKS) as CheckType[]).filter((t) => !JUDGE_CHECK_TYPES.includes(t)).map((t) => validateCheckSpec(MINIMAL[t]));
    const prepared = await prepareChecks(specs, process.cwd());
    expect(prepared.map((p) => p.type)).toEqual(specs.map((s) => s.type));
  });

  it('judge types come from the judge metadata: the six model-graded checks of docs/judges.md, each naming its judge model', () => {
    const documented = headings('judges.md', '###', '## The judge checks');
    expect(documented).toHaveLength(6);
    expect([...JUDGE_CHECK_TYPES].sort()).toEqual([...documented].sort());
    for (const type of Object.keys(CHECKS) as CheckType[]) {
      expect(judgeModelsOf(validateCheckSpec(MINIMAL[type]))).toEqual(documented.includes(type) ? [J] : []);
    }
    // Only a pairwise check against another variant waits for the second phase.
    const deferred = (Object.keys(CHECKS) as CheckType[]).filter((t) => isDeferredCheck(validateCheckSpec(MINIMAL[t])));
    expect(deferred).toEqual(['pairwise']);
  });

  it('every other type has its own section in docs/checks.md', () => {
    const sections = headings('checks.md', '##');
    for (const type of Object.keys(CHECKS) as CheckType[]) {
      if (!JUDGE_CHECK_TYPES.includes(type)) expect(sections, `docs/checks.md has no "## ${type}"`).toContain(type);
    }
  });
});
