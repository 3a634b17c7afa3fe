// plan/plan.ts on suites loaded from real files: cases × models × prompts × repeats, in repeat-major order
// with stable variant ids; templates rendered up front, so a missing variable fails before any call and
// names the case, its file and line, and where in the suite the variable is used.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildPlan } from '../../src/plan/index.js';
import { loadSuite, type Suite } from '../../src/suite/index.js';
import { cleanupTempDirs, jsonl, tempDir, writeFiles } from '../helpers/cli.js';

afterAll(cleanupTempDirs);

function suiteWith(yaml: string, cases: unknown[]): Suite {
  const dir = tempDir();
  writeFiles(dir, { 'evalspec.yaml': yaml, 'cases.jsonl': jsonl(cases) });
  return loadSuite(join(dir, 'evalspec.yaml'));
}

const TWO_PROMPTS = `name: plan
models: [openai:gpt-4o-mini, { id: "anthropic:claude-3-5-haiku-latest", label: haiku }]
prompts:
  - id: terse
    messages:
      - { role: system, content: "Be terse." }
      - { role: user, content: "Capital of {{country}}?" }
  - id: chatty
    messages:
      - { role: user, content: "Tell me about {{country}}, whose capital is {{capital}}." }
checks: [{ type: contains, value: "{{capital}}" }]
cases: cases.jsonl
`;
const CASES = [
  { id: 'fr', vars: { country: 'France', capital: 'Paris' } },
  { id: 'jp', vars: { country: 'Japan', capital: 'Tokyo' }, checks: [{ type: 'starts-with', value: '{{capital}}' }] },
  { id: 'pe', vars: { country: 'Peru', capital: 'Lima' } },
];

describe('buildPlan', () => {
  it('is cases × (models × prompts) × repeats, repeat-major, then case, then variant', () => {
    const plan = buildPlan(suiteWith(TWO_PROMPTS, CASES), { repeat: 2 });
    expect(plan.variants.map((v) => v.id)).toEqual(['gpt-4o-mini/terse', 'gpt-4o-mini/chatty', 'haiku/terse', 'haiku/chatty']);
    expect(plan.totalCalls).toBe(3 * 4 * 2);
    const items = [...plan.items()];
    expect(items).toHaveLength(24);
    expect(new Set(items.map((i) => i.key)).size).toBe(24);
    expect(items.slice(0, 5).map((i) => `${i.repeat}|${i.caseId}|${i.variantId}`)).toEqual([
      '0|fr|gpt-4o-mini/terse',
      '0|fr|gpt-4o-mini/chatty',
      '0|fr|haiku/terse',
      '0|fr|haiku/chatty',
      '0|jp|gpt-4o-mini/terse',
    ]);
    expect(items.slice(12).every((i) => i.repeat === 1)).toBe(true);
  });

  it('each item carries its prompt rendered with its case; checks are the defaults then the case own, rendered', () => {
    const plan = buildPlan(suiteWith(TWO_PROMPTS, CASES));
    const item = (caseId: string, variantId: string) => [...plan.items()].find((i) => i.caseId === caseId && i.variantId === variantId)!;
    expect(item('jp', 'haiku/terse').messages).toEqual([
      { role: 'system', content: 'Be terse.' },
      { role: 'user', content: 'Capital of Japan?' },
    ]);
    expect(item('pe', 'gpt-4o-mini/chatty').messages).toEqual([{ role: 'user', content: 'Tell me about Peru, whose capital is Lima.' }]);
    const jp = [...plan.cases].find((c) => c.case.id === 'jp')!;
    expect(jp.checks).toEqual(
      [
        { type: 'contains', value: 'Tokyo' },
        { type: 'starts-with', value: 'Tokyo' },
      ].map((c) => expect.objectContaining(c)),
    );
    // The suite's templates are left as they were (rendering copies).
    expect(plan.suite.prompts[0].messages[1].content).toBe('Capital of {{country}}?');
  });

  it('one prompt: variant ids are the model labels; the suite repeat is the default', () => {
    const yaml = `name: one
models: [openai:gpt-4o, { id: "openai:gpt-4o", label: gpt-4o-t0, params: { temperature: 0 } }]
prompts: [{ id: v1, messages: [{ role: user, content: "{{q}}" }] }]
repeat: 3
cases: cases.jsonl
`;
    const plan = buildPlan(suiteWith(yaml, [{ id: 'a', vars: { q: 'x' } }]));
    expect(plan.variants.map((v) => v.id)).toEqual(['gpt-4o', 'gpt-4o-t0']);
    expect([plan.repeat, plan.totalCalls]).toEqual([3, 6]);
    expect([...plan.items()].map((i) => i.repeat)).toEqual([0, 0, 1, 1, 2, 2]);
  });

  it('a missing variable in a prompt fails the plan, naming the variable, the case, its file and line, and the prompt', () => {
    const cases = [CASES[0], { id: 'broken', vars: { country: 'Chile' } }]; // no capital: "chatty" and the check use it
    const suite = suiteWith(TWO_PROMPTS, cases);
    let error: any;
    try {
      buildPlan(suite);
    } catch (e) {
      error = e;
    }
    expect(error?.code).toBe('TEMPLATE_VARIABLE');
    expect(error.message).toMatch(/missing template variable "capital" in prompt "chatty" message 1/);
    expect(error.location).toMatchObject({ caseId: 'broken', line: 2 });
    expect(error.location.file).toMatch(/cases\.jsonl$/);
  });

  it('a missing variable used only by a check fails the plan too, naming the check', () => {
    const yaml = `name: checks
models: [openai:gpt-4o]
prompts: [{ id: v1, messages: [{ role: user, content: "{{q}}" }] }]
checks: [{ type: equals, value: "{{expected}}" }]
cases: cases.jsonl
`;
    expect(() =>
      buildPlan(
        suiteWith(yaml, [
          { id: 'a', vars: { q: 'x', expected: 'y' } },
          { id: 'b', vars: { q: 'x' } },
        ]),
      ),
    ).toThrow(/missing template variable "expected" in check "equals"/);
  });
});
