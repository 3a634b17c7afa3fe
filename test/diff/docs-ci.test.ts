// docs/ci.md stays true: the example workflow in the docs is the committed file, it is valid YAML with the steps
// the docs describe, and the sample PR comment shown in the docs is well-formed GFM.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO } from '../helpers/cli.js';
import { expectValidGfm } from '../helpers/gfm.js';

const doc = readFileSync(join(REPO, 'docs/ci.md'), 'utf8');
const workflow = readFileSync(join(REPO, 'docs/examples/github-actions-evals.yml'), 'utf8');

describe('docs/ci.md', () => {
  it('shows docs/examples/github-actions-evals.yml verbatim', () => {
    const block = /```yaml\n([\s\S]*?)```/.exec(doc.slice(doc.indexOf('### GitHub Actions')))![1];
    expect(block).toBe(workflow);
  });

  it('the workflow is valid YAML that runs evalspec ci, comments, and fails with its exit code', () => {
    const wf = parse(workflow);
    expect(Object.keys(wf.on)).toEqual(['pull_request', 'push']);
    const steps = wf.jobs.evals.steps as { id?: string; run?: string; if?: string }[];
    const run = steps.find((s) => s.id === 'evals')!;
    expect(run.run).toMatch(/npx evalspec ci evals\/evalspec\.yaml --label "\$LABEL" --baseline-label main/);
    expect(run.run).toMatch(/--md comment\.md --junit junit\.xml --json evals\.json/);
    expect(steps.some((s) => /gh pr comment/.test(s.run ?? ''))).toBe(true);
    expect(steps.at(-1)).toMatchObject({ if: "steps.evals.outputs.exit_code != '0'" });
  });

  it('the sample comment is well-formed GFM with a headline verdict', () => {
    const start = doc.indexOf('\n---\n', doc.indexOf('### A sample comment')) + 5;
    const sample = doc.slice(start, doc.indexOf('\n---\n', start));
    expect(sample.trim().split('\n')[0]).toMatch(/^## (✅|⚠️|❌) evalspec · /);
    expectValidGfm(sample.trim());
  });

  it('the sample of a config change with a new critical failure is well-formed GFM and shows both', () => {
    const start = doc.indexOf('\n---\n', doc.indexOf('### A sample comment: a prompt and model change')) + 5;
    const sample = doc.slice(start, doc.indexOf('\n---\n', start)).trim();
    expect(sample.split('\n')[0]).toMatch(/^## ⚠️ evalspec · .*· ⛔ 1 new critical failure$/);
    expect(sample).toContain('**What changed since `main`**:');
    expect(sample).toContain('#### ⛔ New critical failures vs `main`');
    expectValidGfm(sample);
  });
});
