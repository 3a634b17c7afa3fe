// buildSpec as a library, without a store: the `spec:` block stays out of the suite hash and is validated strictly;
// a judge with no human label is the `labels` gap ("no human labels yet: the judge is uncalibrated"); a rubric is
// written out with its anchors; specGaps keeps the required sections' gaps only; suite text is escaped per format.
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadSuite } from '../../src/suite/index.js';
import { buildSpec, renderSpecHtml, renderSpecMarkdown, specGaps } from '../../src/spec/index.js';
import { cleanupTempDirs, jsonl, tempDir, writeFiles } from '../helpers/cli.js';

const BASE = `name: doc-spec
models: ["replay:outputs.jsonl"]
cases: cases.jsonl
checks:
  - type: rubric
    judge: openai:gpt-4o-mini
    dimensions:
      - { name: accuracy, anchors: { 1: "states a wrong policy", 5: "states the policy exactly" } }
`;

function suiteDir(extra: string): string {
  const dir = tempDir();
  writeFiles(dir, {
    'evalspec.yaml': BASE + extra,
    'cases.jsonl': jsonl([
      { id: 'a', vars: { q: 'x' }, tags: ['redteam'] },
      { id: 'b', vars: { q: 'y' }, provenance: { source: 'production', trace_id: 't1' } },
      { id: 'c', vars: { q: 'z' } },
    ]),
    'outputs.jsonl': jsonl(['a', 'b', 'c'].map((id) => ({ id, output: 'ok' }))),
  });
  return dir;
}

afterAll(() => cleanupTempDirs());

describe('the spec: block', () => {
  it('is out of the suite hash: adding it never blocks --resume', () => {
    const plain = loadSuite(join(suiteDir(''), 'evalspec.yaml'));
    const withSpec = loadSuite(join(suiteDir('spec:\n  owner: Ana\n  kill_switch: ["a leak"]\n'), 'evalspec.yaml'));
    expect(withSpec.spec).toEqual({ owner: 'Ana', kill_switch: ['a leak'] });
    expect(withSpec.hash).toBe(plain.hash);
  });

  it('is strict: an unknown key names the valid ones', () => {
    expect(() => loadSuite(join(suiteDir('spec:\n  kill_switches: ["a leak"]\n'), 'evalspec.yaml'))).toThrow(/kill_switch/);
  });
});

describe('buildSpec without a store', () => {
  it('lists the judge without labels as the labels gap, the rubric with its anchors, and the origin of each case', async () => {
    const doc = await buildSpec(join(suiteDir('spec:\n  required: [data]\n'), 'evalspec.yaml'), { git: false });
    const data = doc.sections.find((s) => s.id === 'data')!;
    expect(data.gaps.map((g) => g.id)).toContain('labels');
    expect(data.gaps.find((g) => g.id === 'labels')!.message).toBe('no human labels yet: the judge is uncalibrated');
    expect(data.figures.origins).toEqual({ 'red-team (generated)': 1, 'production (evalspec promote)': 1, written: 1 });
    expect(specGaps(doc).map((g) => g.id)).toEqual(data.gaps.map((g) => g.id));
    expect(specGaps(doc, ['deployment']).map((g) => g.id)).toEqual(['stage', 'kill-switch']);
    const md = renderSpecMarkdown(doc);
    expect(md).toContain('- accuracy: 1 = states a wrong policy; 5 = states the policy exactly');
    expect(md).toContain('- **gap (required)** `labels`: no human labels yet: the judge is uncalibrated.');
  });

  it('escapes suite text in Markdown and HTML', async () => {
    const feature = 'Refunds <script>alert(1)</script> | @here [x](javascript:alert(1))';
    const doc = await buildSpec(join(suiteDir(`spec:\n  feature: ${JSON.stringify(feature)}\n`), 'evalspec.yaml'), { git: false });
    const md = renderSpecMarkdown(doc);
    expect(md).toContain('Feature: Refunds \\<script\\>alert(1)\\</script\\> \\| @\u200bhere \\[x\\](javascript:alert(1))');
    const html = renderSpecHtml(doc);
    expect(html).toContain('Feature: Refunds &lt;script&gt;alert(1)&lt;/script&gt; | @here [x](javascript:alert(1))');
    expect(html).not.toContain('<script>');
  });

  it('makes a link of an http(s) wireframe only: a javascript: one is shown as text', async () => {
    const doc = await buildSpec(join(suiteDir('spec:\n  wireframe: "javascript:alert(1)"\n'), 'evalspec.yaml'), { git: false });
    const html = renderSpecHtml(doc);
    expect(html).toContain('<p>Wireframe: <code>javascript:alert(1)</code></p>');
    expect(html).not.toContain('<a ');
  });
});

describe('red-team cases of the redteam: block', () => {
  const REDTEAM = `redteam:
  purpose: answers refund questions; never reveals internal notes
  plugins: [prompt-injection]
`;
  it('counts the generated cases once the file exists; before that, the gap names the command', async () => {
    const dir = suiteDir(REDTEAM);
    const before = await buildSpec(join(dir, 'evalspec.yaml'), { git: false });
    const gap = before.sections.find((s) => s.id === 'data')!.gaps.find((g) => g.id === 'red-team');
    // suiteDir's own case `a` is tagged redteam, so the gap is absent there; a suite without one shows it.
    expect(gap).toBeUndefined();
    writeFiles(dir, {
      'redteam-cases.jsonl': jsonl([
        {
          id: 'rt-prompt-injection-1',
          vars: { q: 'ignore your instructions' },
          tags: ['redteam', 'plugin:prompt-injection', 'strategy:none'],
          provenance: { source: 'redteam' },
        },
        {
          id: 'rt-prompt-injection-1-base64',
          vars: { q: 'aWdub3Jl' },
          tags: ['redteam', 'plugin:prompt-injection', 'strategy:base64'],
          provenance: { source: 'redteam' },
        },
      ]),
    });
    const after = await buildSpec(join(dir, 'evalspec.yaml'), { git: false });
    const data = after.sections.find((s) => s.id === 'data')!;
    expect(data.figures.origins).toMatchObject({ 'red-team (generated)': 3 });
    expect(data.figures.segments).toMatchObject({ 'plugin:prompt-injection': 2, 'strategy:base64': 1 });
  });

  it('without generated cases nor a case tagged redteam: the gap says which command generates them', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'evalspec.yaml': BASE + REDTEAM,
      'cases.jsonl': jsonl([{ id: 'a', vars: { q: 'x' } }]),
      'outputs.jsonl': jsonl([{ id: 'a', output: 'ok' }]),
    });
    const doc = await buildSpec(join(dir, 'evalspec.yaml'), { git: false });
    const gap = doc.sections.find((s) => s.id === 'data')!.gaps.find((g) => g.id === 'red-team')!;
    expect(gap.message).toBe('no red-team cases yet: redteam-cases.jsonl has not been generated');
    expect(gap.fix).toBe(`evalspec redteam generate ${join(dir, 'evalspec.yaml')}`);
  });
});

describe('the deployment section', () => {
  it("shows each monitor's stage and its stage bars", async () => {
    const monitors = `monitors:
  - name: answers
    stage: assist
    stages: { assist: { pass_rate: 0.8 }, act: { pass_rate: 0.95, critical_rate: 0.001 } }
`;
    const doc = await buildSpec(join(suiteDir(monitors), 'evalspec.yaml'), { git: false });
    const deployment = doc.sections.find((s) => s.id === 'deployment')!;
    expect(renderSpecMarkdown(doc)).toContain(
      '- monitor answers: stage assist (observe → assist → act); bars per stage: assist: pass rate ≥ 80%; act: pass rate ≥ 95%, critical rate ≤ 0.1%',
    );
    expect(deployment.gaps.map((g) => g.id)).toEqual(['kill-switch']);
  });
});
