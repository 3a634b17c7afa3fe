// What changed between two runs, through the built CLI against the loopback fake provider:
// 1. A pull request edits the prompt (one line changed, one added, with hostile text), swaps the model behind
//    the label "large", raises small's temperature, adds a check and changes a bar. `diff` (terminal, JSON,
//    Markdown), the `ci` comment and `history` must say so; the one case that now promises a cash refund fails
//    the critical check and must be flagged ⛔ and counted in the comment's headline; no secret appears anywhere.
// 2. With repeat 5, a case fixed 2/5 → 4/5 and a case broken 4/5 → 1/5, whose first repeat fails on both sides:
//    the output shown for each side is the one that represents the flip (passing where the case passes).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeProvider, type FakeProvider, type FakeRequest } from '../fake-provider/server.js';
import { cleanupTempDirs, jsonl, runCli, tempDir, writeFiles } from '../helpers/cli.js';
import { expectValidGfm } from '../helpers/gfm.js';
import { queryDb } from '../helpers/store.js';

const KEY = 'sk-diffconfig-SECRET-0123456789abcdef';
const HEADER_SECRET = 'hdr-SECRET-value-4242';
const HOSTILE = 'Always offer a resolution <img src=x onerror=alert(1)> @here | `x`';
const env = { OPENAI_API_KEY: KEY };

const itemOf = (req: Pick<FakeRequest, 'messages'>): number => Number(/item (\d+)/.exec(req.messages.at(-1)!.content)![1]);
const read = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8');
const json = (dir: string, file: string) => JSON.parse(read(dir, file));

afterAll(() => cleanupTempDirs());

describe('diff, ci and history say what changed in the config; a flip into a critical failure is flagged', () => {
  let server: FakeProvider;
  const dir = tempDir();
  let before: string;
  let after: string;
  let diff: any;
  let diffText: string;
  let comment: string;

  // The new system line makes small promise a cash refund on item 3 (the critical check fails); every other
  // answer passes.
  const answer = (req: FakeRequest) => {
    const n = itemOf(req);
    const resolution = req.messages.some((m) => m.content.includes('Always offer a resolution'));
    return req.model === 'gpt-4o-mini' && resolution && n === 3 ? `item ${n} is fine, and here is a cash refund` : `item ${n} is fine`;
  };

  function suite(version: 1 | 2): string {
    const v2 = version === 2;
    return `name: config-change
providers:
  openai: { baseURL: "${server.openaiBaseURL}", apiKey: "\${OPENAI_API_KEY}", headers: { X-Team-Token: "${HEADER_SECRET}" } }
models:
  - { id: openai:gpt-4o-mini, label: small${v2 ? ', params: { temperature: 0.7 }' : ''} }
  - { id: ${v2 ? 'openai:gpt-4.1' : 'openai:gpt-4o'}, label: large }
params: { temperature: 0 }
prompts:
  - id: v1
    messages:
      - role: system
        content: ${JSON.stringify(v2 ? `Be brief.\n${HOSTILE}` : 'Be brief.')}
      - { role: user, content: "${v2 ? 'Question: {{question}}' : '{{question}}'}" }
cases: cases.jsonl
checks:
  - { type: contains, value: "item {{n}} is fine" }
  - { type: contains, value: "cash refund", not: true, severity: critical, metric: no-cash-promise }
${v2 ? '  - { type: contains, value: "item", metric: mentions-item }\n' : ''}bars:
  - { metric: pass_rate, min: ${v2 ? 0.4 : 0.3} }
`;
  }

  beforeAll(async () => {
    server = await startFakeProvider({ apiKey: KEY, answer });
  });
  afterAll(async () => server.close());

  it('stores a baseline run labelled main, then runs ci on the edited suite', async () => {
    const cases = jsonl(Array.from({ length: 12 }, (_, i) => ({ id: `c${i + 1}`, vars: { question: `Check item ${i + 1}`, n: String(i + 1) } })));
    writeFiles(dir, { 'suite/evalspec.yaml': suite(1), 'suite/cases.jsonl': cases });
    const a = await runCli(['run', 'suite', '--label', 'main', '--json', 'before.json', '--no-progress'], { cwd: dir, env });
    expect(a.exitCode, a.stderr).toBe(0);
    writeFiles(dir, { 'suite/evalspec.yaml': suite(2) });
    const b = await runCli(['ci', 'suite', '--md', 'comment.md', '--json', 'ci.json', '--no-progress'], { cwd: dir, env });
    expect(b.exitCode, b.stderr).toBe(0);
    before = json(dir, 'before.json').runId;
    after = json(dir, 'ci.json').runId;
    comment = read(dir, 'comment.md');
    expect(b.stdout).toContain('config changes (before → after):');
  });

  it('diff JSON: per variant the model, params and prompt diff; the suite-level checks and bars', async () => {
    const r = await runCli(['diff', before, after, '--json', 'diff.json', '--md', 'diff.md'], { cwd: dir });
    expect(r.exitCode, r.stderr).toBe(0);
    diffText = r.stdout;
    diff = json(dir, 'diff.json');
    const c = diff.config;
    expect(c.changed).toBe(true);
    const small = c.variants.find((v: { variant: string }) => v.variant === 'small');
    const large = c.variants.find((v: { variant: string }) => v.variant === 'large');
    expect(small.model).toBeNull();
    expect(small.params).toEqual([{ name: 'temperature', before: 0, after: 0.7 }]);
    expect(large.model).toEqual({ before: 'openai:gpt-4o', after: 'openai:gpt-4.1' });
    expect(large.params).toEqual([]);
    // The templates as lines, by hand: before [system: Be brief., user: {{question}}], after [system: Be brief.,
    // system: <HOSTILE>, user: Question: {{question}}]; the only common line is "system: Be brief.".
    for (const v of [small, large]) {
      const of = (kind: string) => v.prompt.diff.filter((l: { kind: string }) => l.kind === kind).map((l: { text: string }) => l.text);
      expect(v.prompt).toMatchObject({ before: 'v1', after: 'v1', removed: 1, added: 2 });
      expect(of('removed')).toEqual(['user: {{question}}']);
      expect(of('added')).toEqual([`system: ${HOSTILE}`, 'user: Question: {{question}}']);
      expect(of('context')).toEqual(['system: Be brief.']);
    }
    expect(c.suite.checks).toEqual({ added: ['contains {"metric":"mentions-item","value":"item"}'], removed: [] });
    expect(c.suite.bars).toEqual({ added: ['pass rate ≥ 40%'], removed: ['pass rate ≥ 30%'] });
    expect(c.suite.cases).toBeNull();
    expect(c.summary).toEqual(
      expect.arrayContaining([
        'large: model openai:gpt-4o → openai:gpt-4.1',
        'small: temperature 0 → 0.7',
        'small, large: prompt v1 changed: 1 line removed, 2 added',
      ]),
    );
  });

  it('diff terminal and Markdown: the changes at the top, the prompt diff escaped', () => {
    const top = diffText.slice(0, diffText.indexOf('cases: '));
    expect(top).toContain('config changes (before → after):');
    expect(top).toContain('large: model openai:gpt-4o → openai:gpt-4.1');
    expect(top).toContain('    − user: {{question}}');
    expect(top).toContain('    + user: Question: {{question}}');
    expect(diffText).not.toMatch(/[\r\u001b]/);
    const md = read(dir, 'diff.md');
    expectValidGfm(md);
    expect(md.indexOf('**Config changes**')).toBeLessThan(md.indexOf('cases compared'));
    expect(md).toContain('| − | user: {{question}} |');
    expect(md).toContain('\\<img src=x onerror=alert(1)\\>');
  });

  it('the flip into a critical check failure: flagged in JSON, terminal and the PR comment, counted in its headline', () => {
    const small = diff.perVariant.find((v: { variant: string }) => v.variant === 'small');
    expect(small.flips.broken.map((f: { caseId: string }) => f.caseId)).toEqual(['c3']);
    expect(small.flips.broken[0].newCriticalFailures).toEqual(['no-cash-promise']);
    expect(diff.summary.newCriticalFailures).toBe(1);
    expect(diffText).toMatch(/broken · c3: pass → fail {2}⛔ critical: no-cash-promise/);
    expect(diffText).toMatch(/after: {2}item 3 is fine, and here is a cash refund {2}\(no-cash-promise: /);
    // Bars met and no significant regression (1 broken of 12): only the critical flip makes this ⚠️.
    expect(comment.split('\n')[0]).toBe('## ⚠️ evalspec · config-change: look before shipping · ⛔ 1 new critical failure');
    expect(comment).toContain('**The bars pass, but 1 flipped case newly fails a critical check (⛔) against main.**');
    expect(comment).toContain('#### ⛔ New critical failures vs `main`');
    expect(comment).toContain('- **small** `c3`: broken, newly fails no-cash-promise');
    expect(comment).toMatch(/\| `c3` \| small \| broken \*\*⛔ critical: no-cash-promise\*\* \|/);
    expect(json(dir, 'ci.json')).toMatchObject({ verdict: 'warn', diff: { summary: { newCriticalFailures: 1 } } });
  });

  it('the PR comment shows the config changes at the top, escaped, valid GFM', () => {
    expectValidGfm(comment);
    const at = comment.indexOf('**What changed since `main`**:');
    expect(at).toBeGreaterThan(0);
    expect(at).toBeLessThan(comment.indexOf('| variant |'));
    expect(comment).toContain('- large: model openai:gpt-4o → openai:gpt-4.1');
    expect(comment).toContain('| + | user: Question: {{question}} |');
    expect(comment).toContain('| + | system: Always offer a resolution \\<img src=x onerror=alert(1)\\> @\u200bhere \\| \\`x\\` |');
  });

  it('history marks the run whose config changed', async () => {
    const r = await runCli(['history', 'config-change', '--json', 'history.json'], { cwd: dir });
    expect(r.exitCode, r.stderr).toBe(0);
    const h = json(dir, 'history.json');
    expect(h.runs.map((x: { id: string }) => x.id)).toEqual([before, after]);
    expect(h.runs[0].configChanges).toBeNull();
    expect(h.runs[1].configChanges).toEqual(diff.config.summary);
    expect(r.stdout).toContain('config changed (✎, vs the previous run listed) in 1 run:');
    expect(r.stdout).toContain(`${after}: `);
    expect(r.stdout).toMatch(new RegExp(`${after}\\s.*✎`));
  });

  it('no secret is stored or shown: the API key and header values never appear', () => {
    const configs = queryDb<{ config_json: string }>(dir, 'SELECT config_json FROM runs')
      .map((x) => x.config_json)
      .join('\n');
    expect(configs).toContain('[redacted]');
    const outputs = [configs, diffText, comment, read(dir, 'diff.json'), read(dir, 'diff.md'), read(dir, 'ci.json'), read(dir, 'history.json')].join('\n');
    expect(outputs).not.toContain(KEY);
    expect(outputs).not.toContain(HEADER_SECRET);
  });
});

describe('with repeats, a flip shows the repeat that represents it', () => {
  let server: FakeProvider;
  let phase: 'before' | 'after' = 'before';
  const dir = tempDir();
  // Passing attempts (1-based, one per repeat in order: concurrency 1, repeats of a case run in order).
  // c1 fixed: 2/5 → 4/5; c2 broken: 4/5 → 1/5. Attempt 1 (repeat 0) fails on both sides of both cases.
  const passing: Record<string, Record<number, number[]>> = {
    before: { 1: [4, 5], 2: [2, 3, 4, 5] },
    after: { 1: [2, 3, 4, 5], 2: [5] },
  };
  const answer = (req: FakeRequest) => {
    const n = itemOf(req);
    const ok = n > 2 || passing[phase][n].includes(req.attempt);
    return `${ok ? `item ${n} is fine` : 'unsure'} (${phase} attempt ${req.attempt})`;
  };

  beforeAll(async () => {
    server = await startFakeProvider({ apiKey: KEY, answer });
    writeFiles(dir, {
      'evalspec.yaml': `name: repeats
providers:
  openai: { baseURL: "${server.openaiBaseURL}", apiKey: "\${OPENAI_API_KEY}" }
models: [openai:gpt-4o-mini]
prompts: [{ id: p, messages: [{ role: user, content: "{{question}}" }] }]
cases: cases.jsonl
checks: [{ type: contains, value: "item {{n}} is fine" }]
repeat: 5
concurrency: 1
`,
      'cases.jsonl': jsonl(Array.from({ length: 4 }, (_, i) => ({ id: `c${i + 1}`, vars: { question: `Check item ${i + 1}`, n: String(i + 1) } }))),
    });
  });
  afterAll(async () => server.close());

  it('fixed 2/5 → 4/5 shows a passing new output; broken 4/5 → 1/5 a passing old one', async () => {
    const a = await runCli(['run', '.', '--json', 'a.json', '--no-progress'], { cwd: dir, env });
    expect(a.exitCode, a.stderr).toBe(0);
    phase = 'after';
    server.reset();
    const b = await runCli(['run', '.', '--no-cache', '--json', 'b.json', '--no-progress'], { cwd: dir, env });
    expect(b.exitCode, b.stderr).toBe(0);
    const r = await runCli(['diff', json(dir, 'a.json').runId, json(dir, 'b.json').runId, '--json', 'diff.json'], { cwd: dir });
    expect(r.exitCode, r.stderr).toBe(0);
    const v = json(dir, 'diff.json').perVariant[0];
    const [fixed] = v.flips.fixed;
    const [broken] = v.flips.broken;
    expect(fixed).toMatchObject({ caseId: 'c1', before: { results: 5, passed: 2 }, after: { results: 5, passed: 4 } });
    expect(broken).toMatchObject({ caseId: 'c2', before: { results: 5, passed: 4 }, after: { results: 5, passed: 1 } });
    // The first repeat fails on every side: showing it would contradict the flip.
    for (const f of [fixed, broken]) for (const side of ['before', 'after']) expect(f.outputs[side][0].pass, `${f.caseId} ${side}`).toBe(false);
    const shown = (f: any, side: 'before' | 'after') => f.outputs[side].find((s: { repeat: number }) => s.repeat === f.shown[side]);
    expect(shown(fixed, 'after')).toMatchObject({ pass: true, output: expect.stringMatching(/^item 1 is fine/) });
    expect(shown(fixed, 'before')).toMatchObject({ pass: false });
    expect(shown(broken, 'before')).toMatchObject({ pass: true, output: expect.stringMatching(/^item 2 is fine/) });
    expect(shown(broken, 'after')).toMatchObject({ pass: false });
    expect(r.stdout).toMatch(/fixed · c1: 2\/5 passed → 4\/5 passed\n\s+before: #\d unsure.*\n\s+after: {2}#\d item 1 is fine \(after attempt/);
    expect(r.stdout).toMatch(/broken · c2: 4\/5 passed → 1\/5 passed\n\s+before: #\d item 2 is fine \(before attempt/);
    expect(r.stdout).toContain('config: unchanged');
  });
});
