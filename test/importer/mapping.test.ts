// The importer's mapping, one promptfoo feature at a time: each assertion type (the evalspec check it becomes,
// or the reason it has none), `not-` forms, weight and metric, CSV's string shorthand, Nunjucks placeholders,
// array vars' cartesian expansion, and provider ids. Expected specs are written out by hand from promptfoo's
// documented meaning, not copied from the implementation.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ASSERTIONS, PROMPTFOO_TYPES, assertionFromString, convertTemplate, expandVars, mapAssertion, mapProviderId } from '../../src/importer/index.js';
import { ImportIssues } from '../../src/importer/issues.js';
import type { AssertionContext } from '../../src/importer/assertions.js';
import { REPO } from '../helpers/cli.js';

function context(): AssertionContext {
  return {
    issues: new ImportIssues(),
    templates: { noise: { type: 'icontains', value: 'arrr' } },
    grader: (a) => (a.provider === 'openai:chat:gpt-4o-mini' ? 'openai:gpt-4o-mini' : 'openai:gpt-4.1'),
    codeFile: (ref) =>
      ref.endsWith('.py') ? { unsupported: 'not JavaScript' } : { file: ref.replace(/:.*$/, ''), ...(ref.includes(':') ? { name: ref.split(':')[1] } : {}) },
  };
}

function map(assertion: unknown) {
  const ctx = context();
  const spec = mapAssertion(assertion, { file: 'promptfooconfig.yaml', line: 7, key: 'tests[0].assert[0]' }, ctx);
  return { spec, dropped: ctx.issues.dropped };
}

describe('assertion types', () => {
  it.each([
    [
      { type: 'equals', value: 'Yarr' },
      { type: 'equals', value: 'Yarr' },
    ],
    [
      { type: 'contains', value: 'Bonjour' },
      { type: 'contains', value: 'Bonjour' },
    ],
    [
      { type: 'icontains', value: 'grub' },
      { type: 'contains', value: 'grub', ignore_case: true },
    ],
    [
      { type: 'contains-any', value: ['fire', 'flame'] },
      { type: 'contains-any', value: ['fire', 'flame'] },
    ],
    [
      { type: 'icontains-any', value: 'fire, flame' },
      { type: 'contains-any', value: ['fire', 'flame'], ignore_case: true },
    ],
    [
      { type: 'contains-all', value: ['a', 'b'] },
      { type: 'contains-all', value: ['a', 'b'] },
    ],
    [
      { type: 'icontains-all', value: ['A', 'b'] },
      { type: 'contains-all', value: ['A', 'b'], ignore_case: true },
    ],
    [
      { type: 'regex', value: '^\\d+$' },
      { type: 'regex', value: '^\\d+$' },
    ],
    [
      { type: 'starts-with', value: 'Ahoy' },
      { type: 'starts-with', value: 'Ahoy' },
    ],
    [{ type: 'is-json' }, { type: 'is-json' }],
    [
      { type: 'is-json', value: { type: 'object', required: ['color'] } },
      { type: 'json-schema', value: { type: 'object', required: ['color'] } },
    ],
    // promptfoo's levenshtein: pass when the edit distance <= threshold (default 5), as evalspec's.
    [
      { type: 'levenshtein', value: 'hello', threshold: 2 },
      { type: 'levenshtein', value: 'hello', threshold: 2 },
    ],
    [
      { type: 'levenshtein', value: 'hello' },
      { type: 'levenshtein', value: 'hello', threshold: 5 },
    ],
    [
      { type: 'latency', threshold: 3000 },
      { type: 'max-latency-ms', value: 3000 },
    ],
    [
      { type: 'cost', threshold: 0.002 },
      { type: 'max-cost', value: 0.002 },
    ],
    [
      { type: 'word-count', value: { min: 3, max: 10 } },
      { type: 'length', unit: 'words', min: 3, max: 10 },
    ],
    [
      { type: 'llm-rubric', value: 'Is polite' },
      { type: 'judge', judge: 'openai:gpt-4.1', rubric: 'Is polite' },
    ],
    [
      { type: 'llm-rubric', value: 'Is polite', threshold: 0.8, provider: 'openai:chat:gpt-4o-mini' },
      { type: 'judge', judge: 'openai:gpt-4o-mini', rubric: 'Is polite', threshold: 0.8 },
    ],
    [
      { type: 'model-graded-closedqa', value: 'Names Sacramento' },
      { type: 'closed-qa', judge: 'openai:gpt-4.1', criteria: 'Names Sacramento' },
    ],
    [
      { type: 'factuality', value: 'Sacramento is the capital' },
      { type: 'factuality', judge: 'openai:gpt-4.1', reference: 'Sacramento is the capital' },
    ],
    // Without a threshold promptfoo passes a numeric result > 0; evalspec compares with >=, so the threshold is tiny.
    [
      { type: 'javascript', value: 'output.length < 100' },
      { type: 'javascript', value: 'output.length < 100', threshold: 1e-9 },
    ],
    [
      { type: 'javascript', value: 'file://checks/assert.js:tone', threshold: 0.7 },
      { type: 'javascript', file: 'checks/assert.js', function: 'tone', threshold: 0.7 },
    ],
    // not- forms, weight and metric.
    [
      { type: 'not-contains', value: 'sorry' },
      { type: 'contains', value: 'sorry', not: true },
    ],
    [
      { type: 'not-icontains', value: 'AI', weight: 2, metric: 'persona' },
      { type: 'contains', value: 'AI', ignore_case: true, not: true, weight: 2, metric: 'persona' },
    ],
    [{ type: 'not-is-json' }, { type: 'is-json', not: true }],
    // Nunjucks placeholders in values become evalspec's.
    [
      { type: 'llm-rubric', value: 'Describes {{ topic }} accurately' },
      { type: 'judge', judge: 'openai:gpt-4.1', rubric: 'Describes {{topic}} accurately' },
    ],
    // $ref to assertionTemplates.
    [{ $ref: '#/assertionTemplates/noise' }, { type: 'contains', value: 'arrr', ignore_case: true }],
  ])('%j → %j', (assertion, expected) => {
    const { spec, dropped } = map(assertion);
    expect(dropped).toEqual([]);
    expect(spec).toEqual(expected);
  });

  it('contains-json becomes a javascript check that finds JSON anywhere in the output', async () => {
    const { spec } = map({ type: 'contains-json' });
    expect(spec).toMatchObject({ type: 'javascript' });
    const body = (spec as { value: string }).value;
    const run = new Function('output', body) as (output: string) => boolean;
    expect(run('Here you go: {"color": "yellow"} enjoy')).toBe(true);
    expect(run('a list [1, 2, 3].')).toBe(true);
    expect(run('no json {here')).toBe(false);
    // Brackets and escaped quotes inside strings do not end the span.
    expect(run('x {"a": "}", "b": "say \\"hi\\" ]"} y')).toBe(true);
    expect(run('{"a": 1 and [oops')).toBe(false);
  });

  it.each([
    [{ type: 'similar', value: 'Ahoy, world' }, /embeddings.*character-level/],
    [{ type: 'not-similar', value: 'Ahoy' }, /embeddings/],
    [{ type: 'answer-relevance' }, /embedding/],
    [{ type: 'python', value: 'len(output) > 3' }, /Python/],
    [{ type: 'javascript', value: 'context.prompt.includes(output)' }, /context\.prompt/],
    [{ type: 'javascript', value: 'file://check.py' }, /not JavaScript/],
    [{ type: 'latency' }, /without a threshold/],
    [{ type: 'made-up-type', value: 1 }, /not an assertion type the importer knows/],
    [{ type: 'llm-rubric', value: 'Uses the {{ tone | upper }} tone' }, /filter/],
    [{ $ref: '#/assertionTemplates/missing' }, /does not name an assertionTemplates entry/],
  ])('%j is listed, not mapped', (assertion, reason) => {
    const { spec, dropped } = map(assertion);
    expect(spec).toBeUndefined();
    expect(dropped).toHaveLength(1);
    expect(dropped[0]).toMatchObject({ file: 'promptfooconfig.yaml', line: 7 });
    expect(dropped[0].reason).toMatch(reason);
    expect(dropped[0].fix.length).toBeGreaterThan(0);
  });

  it('every type of the table either maps to a valid check or is listed with a reason and a fix, never silently dropped', () => {
    for (const type of PROMPTFOO_TYPES) {
      const { spec, dropped } = map({ type, value: 'x', threshold: 0.5 });
      if (spec === undefined) {
        expect(dropped.length, type).toBeGreaterThan(0);
        for (const d of dropped) expect(d.reason.length * d.fix.length, type).toBeGreaterThan(0);
      } else expect(spec.type, type).not.toBe('similarity');
    }
  });

  it('similar never becomes evalspec similarity (character-level), in any form', () => {
    for (const type of ['similar', 'not-similar']) expect(map({ type, value: 'x', threshold: 0.8 }).spec).toBeUndefined();
  });

  it('keeps the check but lists what it cannot carry: a transform, a threshold on a pass/fail check, a rubricPrompt', () => {
    const { spec, dropped } = map({ type: 'contains-any', value: ['a'], transform: 'output.countries', threshold: 0.5, rubricPrompt: 'x' });
    expect(spec).toEqual({ type: 'contains-any', value: ['a'] });
    expect(dropped.map((d) => d.key)).toEqual(['tests[0].assert[0].threshold', 'tests[0].assert[0].transform', 'tests[0].assert[0].rubricPrompt']);
  });

  it('docs/promptfoo.md lists every assertion type of the table', () => {
    const doc = readFileSync(join(REPO, 'docs/promptfoo.md'), 'utf8');
    for (const type of PROMPTFOO_TYPES) expect(doc, type).toContain(`| \`${type}\` |`);
    expect(Object.keys(ASSERTIONS)).toEqual([...PROMPTFOO_TYPES]);
  });
});

describe("CSV's __expected shorthand", () => {
  it.each([
    ['icontains:bonjour', { type: 'icontains', value: 'bonjour' }],
    ['contains: algorithm', { type: 'contains', value: 'algorithm' }],
    ['grade:Do not mention that you are an AI', { type: 'llm-rubric', value: 'Do not mention that you are an AI' }],
    ['llm-rubric:Does this describe {{topic}} accurately?', { type: 'llm-rubric', value: 'Does this describe {{topic}} accurately?' }],
    ['fn:output.length > 3', { type: 'javascript', value: 'output.length > 3' }],
    ['not-contains:sorry', { type: 'not-contains', value: 'sorry' }],
    ['contains-any:fire,flame', { type: 'contains-any', value: ['fire', 'flame'] }],
    ['similar(0.8):Ahoy', { type: 'similar', value: 'Ahoy', threshold: 0.8 }],
    ['is-json', { type: 'is-json' }],
    ['Sacramento', { type: 'equals', value: 'Sacramento' }],
    ['The answer: 42', { type: 'equals', value: 'The answer: 42' }],
  ])('%s', (text, expected) => {
    expect(assertionFromString(text)).toEqual(expected);
  });
});

describe('Nunjucks templates', () => {
  it('converts plain placeholders and flags filters, expressions, tags and comments', () => {
    expect(convertTemplate('Translate to {{ language }}: {{input}} ({{ user.name }})')).toEqual({
      text: 'Translate to {{language}}: {{input}} ({{user.name}})',
      unsupported: [],
    });
    expect(convertTemplate('{{ name | upper }}').unsupported[0]).toMatch(/filter/);
    expect(convertTemplate('{{ items[0] }}').unsupported[0]).toMatch(/expression/);
    expect(convertTemplate('{% for m in messages %}{{ m }}{% endfor %}').unsupported.filter((u) => u.includes('tag'))).toHaveLength(2);
    expect(convertTemplate('{# a note #}Hi').unsupported[0]).toMatch(/comment/);
  });
});

describe('array vars', () => {
  it("expand into the cartesian product, in promptfoo's order", () => {
    // 3 languages × 2 inputs × 1 tone = 6 cases.
    const combos = expandVars({ language: ['French', 'German', 'Spanish'], input: ['Hello', 'Bye'], tone: 'formal' });
    expect(combos).toHaveLength(6);
    expect(combos[0]).toEqual({ language: 'French', input: 'Hello', tone: 'formal' });
    expect(combos[1]).toEqual({ language: 'French', input: 'Bye', tone: 'formal' });
    expect(combos[5]).toEqual({ language: 'Spanish', input: 'Bye', tone: 'formal' });
    expect(expandVars({ a: 1 })).toEqual([{ a: 1 }]);
  });
});

describe('provider ids', () => {
  it.each([
    ['openai:gpt-4o', 'openai:gpt-4o'],
    ['openai:chat:gpt-4o', 'openai:gpt-4o'],
    ['anthropic:messages:claude-3-5-sonnet-20241022', 'anthropic:claude-3-5-sonnet-20241022'],
    ['google:gemini-2.0-flash', 'google:gemini-2.0-flash'],
    ['echo', 'function:promptfoo-echo.mjs'],
    ['openai:embedding:text-embedding-3-small', undefined],
    ['python:provider.py', undefined],
    ['vertex:gemini-2.5-pro', undefined],
    ['bedrock:anthropic.claude-3', undefined],
  ])('%s → %s', (id, expected) => {
    expect(mapProviderId(id)).toBe(expected);
  });
});
