// configChanges (analysis/config-changes.ts, worded by report/config-changes.ts) on stored run records written here: the cases the e2e test does not
// reach (provider settings, URL credentials, a model entry's params picked by label, renamed prompts, variants
// added and removed, repeat and cases source), and the compact line diff with folded context, checked against
// diffs worked out by hand.
import { describe, expect, it } from 'vitest';
import { compactLineDiff } from '../../src/analysis/index.js';
import { configChangeFigures } from '../../src/analysis/index.js';
import { configChanges, configChangesMarkdown, configChangesText } from '../../src/report/index.js';
import type { RunRecord, StoredVariant } from '../../src/store/index.js';

function run(config: Record<string, unknown>, variants: StoredVariant[], repeat = 1): RunRecord {
  return {
    id: 'r',
    suiteName: 's',
    suiteHash: 'h',
    suiteFile: 'f',
    label: null,
    status: 'completed',
    formatVersion: 1,
    config,
    variants,
    repeat,
    gitCommit: null,
    gitBranch: null,
    totalCalls: 0,
    startedAt: '',
    endedAt: null,
    warnings: [],
  };
}
const variant = (id: string, model: string, prompt = 'p', label = id): StoredVariant => ({
  id,
  label,
  model,
  providerType: 'openai-compatible',
  modelId: model.split(':')[1],
  prompt,
});

describe('compactLineDiff', () => {
  it('keeps one line of context around each change and folds the rest', () => {
    const a = ['1', '2', '3', '4', '5', '6', '7', '8'];
    const b = ['1', '2', '3', 'X', '5', '6', '7', '8', '9'];
    // By hand: 4 → X (a replacement), 9 appended. Context 1: 3 and 5 around the first change, 8 before the
    // second; 1–2 and 6–7 fold.
    expect(compactLineDiff(a, b)).toEqual([
      { kind: 'gap', text: '2 unchanged lines' },
      { kind: 'context', text: '3' },
      { kind: 'removed', text: '4' },
      { kind: 'added', text: 'X' },
      { kind: 'context', text: '5' },
      { kind: 'gap', text: '2 unchanged lines' },
      { kind: 'context', text: '8' },
      { kind: 'added', text: '9' },
    ]);
    expect(compactLineDiff(a, a)).toEqual([]);
  });
});

describe('configChanges', () => {
  const prompts = (text: string) => [{ id: 'p', messages: [{ role: 'user', content: text }] }];
  const providers = (baseURL: string) => ({ local: { type: 'openai-compatible', baseURL, apiKey: '[redacted]', headers: { 'X-Key': '[redacted]' } } });

  it('nothing changed: changed false, no summary', () => {
    const config = { models: ['local:m1'], prompts: prompts('Hi {{q}}'), providers: providers('http://a/v1'), checks: [], bars: [], cases: 'cases.jsonl' };
    const c = configChanges(run(config, [variant('m1', 'local:m1')]), run(structuredClone(config), [variant('m1', 'local:m1')]));
    expect(c).toMatchObject({ changed: false, variants: [], summary: [] });
  });

  it('provider base URL (credentials and query never shown), params by label, repeat, cases, variants added and removed', () => {
    const before = run(
      {
        models: [{ id: 'local:m1', label: 'a', params: { temperature: 0 } }, { id: 'local:m1', label: 'b' }, 'local:old'],
        params: { max_tokens: 100 },
        prompts: prompts('Hi {{q}}'),
        providers: providers('http://a.example/v1'),
        cases: 'cases.jsonl',
      },
      [variant('a', 'local:m1'), variant('b', 'local:m1'), variant('old', 'local:old')],
      1,
    );
    const after = run(
      {
        models: [{ id: 'local:m1', label: 'a', params: { temperature: 0.5 } }, { id: 'local:m1', label: 'b' }, 'local:new'],
        params: { max_tokens: 100 },
        prompts: prompts('Hi {{q}}'),
        providers: providers('https://user:pw@b.example/v1?key=sk-in-url#x'),
        cases: '12 inline cases',
      },
      [variant('a', 'local:m1'), variant('b', 'local:m1'), variant('new', 'local:new')],
      3,
    );
    const c = configChanges(before, after);
    const a = c.variants.find((v) => v.variant === 'a')!;
    const b = c.variants.find((v) => v.variant === 'b')!;
    // a's own entry changed its temperature; b (same ref, other label) did not.
    expect(a.params).toEqual([{ name: 'temperature', before: 0, after: 0.5 }]);
    expect(b.params).toEqual([]);
    expect(a.provider).toEqual([{ name: 'baseURL', before: 'http://a.example/v1', after: 'https://b.example/v1 (credentials or query removed)' }]);
    expect(c.variantsAdded).toEqual(['new']);
    expect(c.variantsRemoved).toEqual(['old']);
    expect(c.suite).toMatchObject({ cases: { before: 'cases.jsonl', after: '12 inline cases' }, repeat: { before: 1, after: 3 }, checks: null, bars: null });
    expect(c.summary).toContain('a, b: provider baseURL http://a.example/v1 → https://b.example/v1 (credentials or query removed)');
    expect(JSON.stringify(c)).not.toMatch(/sk-in-url|pw@|user:/);
  });

  it('a variant whose prompt id changed with the same messages says so; a changed template gives its line diff', () => {
    const before = run({ models: ['local:m'], prompts: [...prompts('A\nB'), { id: 'q', messages: [{ role: 'user', content: 'A\nB' }] }] }, [
      variant('m', 'local:m', 'p'),
    ]);
    const renamed = run({ models: ['local:m'], prompts: [{ id: 'q', messages: [{ role: 'user', content: 'A\nB' }] }] }, [variant('m', 'local:m', 'q')]);
    expect(configChanges(before, renamed).variants[0].prompt).toEqual({ before: 'p', after: 'q', diff: [], removed: 0, added: 0 });
    expect(configChanges(before, renamed).summary).toEqual(['m: prompt p → q (same messages)']);
    const edited = run({ models: ['local:m'], prompts: prompts('A\nC') }, [variant('m', 'local:m', 'p')]);
    expect(configChanges(before, edited).variants[0].prompt!.diff).toEqual([
      { kind: 'context', text: 'user: A' },
      { kind: 'removed', text: 'user: B' },
      { kind: 'added', text: 'user: C' },
    ]);
  });

  it('bars and checks are compared as specs (key order does not matter), and the figures carry the specs, not words', () => {
    const bar = { metric: 'pass_rate', min: 0.7 };
    const check = { type: 'contains', value: 'W1', ignore_case: true };
    const before = run({ models: ['local:m'], prompts: prompts('A'), bars: [bar], checks: [check] }, [variant('m', 'local:m')]);
    // The same bar and check written with their keys in another order: no change.
    const reordered = run(
      { models: ['local:m'], prompts: prompts('A'), bars: [{ min: 0.7, metric: 'pass_rate' }], checks: [{ ignore_case: true, value: 'W1', type: 'contains' }] },
      [variant('m', 'local:m')],
    );
    expect(configChangeFigures(before, reordered)).toMatchObject({ changed: false, suite: { bars: null, checks: null } });
    // A bar whose description alone changed is a change although its words ("pass rate ≥ 70%") are the same.
    const described = { ...bar, description: 'launch bar' };
    const after = run({ models: ['local:m'], prompts: prompts('A'), bars: [described], checks: [check] }, [variant('m', 'local:m')]);
    const figures = configChangeFigures(before, after);
    expect(figures.changed).toBe(true);
    expect(figures.suite.bars).toEqual({ added: [described], removed: [bar] });
    const words = configChanges(before, after);
    expect(words.suite.bars).toEqual({ added: ['pass rate ≥ 70%'], removed: ['pass rate ≥ 70%'] });
    expect(words.summary).toEqual(['quality bars: 1 added, 1 removed']);
    // Each detail sits under its own line: the bar items, then nothing else.
    expect(configChangesText(words)).toEqual([
      'config changes (before → after):',
      '  quality bars: 1 added, 1 removed',
      '    − pass rate ≥ 70%',
      '    + pass rate ≥ 70%',
    ]);
  });

  it('Markdown lists every change, then the item tables before the prompt diffs, each prompt diff once for the variants sharing it', () => {
    const before = run({ models: ['local:a', 'local:b'], prompts: prompts('A'), checks: [{ type: 'contains', value: 'x' }] }, [
      variant('a', 'local:a'),
      variant('b', 'local:b'),
    ]);
    const after = run({ models: ['local:a', 'local:b'], prompts: prompts('B'), checks: [] }, [variant('a', 'local:a'), variant('b', 'local:b')]);
    expect(configChangesMarkdown(configChanges(before, after), '**Config changes**')).toEqual([
      '**Config changes**:',
      '',
      '- a, b: prompt p changed: 1 line removed, 1 added',
      '- default checks: 1 removed',
      '',
      '| | default checks |',
      '|---|---|',
      '| − | contains {"value":"x"} |',
      '',
      '| | a, b · prompt p changed: 1 line removed, 1 added |',
      '|---|---|',
      '| − | user: A |',
      '| + | user: B |',
    ]);
  });
});
