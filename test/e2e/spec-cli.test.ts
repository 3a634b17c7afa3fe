// `evalspec spec` end to end on a stored run (the built CLI, replayed models): the critical bound the run proves is
// the exact one-sided Clopper–Pearson 1 − 0.05^(1/n) computed here, the bars carry the run report's verdicts, the
// small segment is flagged, review tags are counted, the selection names the suite's baseline, the failing output is
// quoted escaped, and `--check` exits 0 when the required sections have no gap and 1 when they do.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTempDirs, jsonl, runCli, tempDir, writeFiles } from '../helpers/cli.js';
import { HOSTILE_OUTPUT, SPEC_FIXTURE_CASES, writeSpecFixture } from '../helpers/spec-fixture.js';

describe('evalspec spec on a stored run', () => {
  let dir: string;
  let md: string;
  beforeAll(async () => {
    dir = tempDir();
    writeSpecFixture(dir);
    for (let i = 0; i < 2; i++) {
      const run = await runCli(['run', 'evalspec.yaml', '--no-progress', '--allow-inconclusive'], { cwd: dir });
      expect(run.exitCode, run.stderr).toBe(0);
    }
    writeFiles(dir, { 'labels.jsonl': jsonl([{ case_id: 'c-007', variant: 'big', label: 'fail', tag: 'wrong-page', labeller: 'ana' }]) });
    const labels = await runCli(['labels', 'import', 'labels.jsonl'], { cwd: dir });
    expect(labels.exitCode, labels.stderr).toBe(0);
    const result = await runCli(['spec', 'evalspec.yaml', '--no-git', '--volume', '1M/month'], { cwd: dir });
    expect(result.exitCode, result.stderr).toBe(0);
    md = result.stdout;
  });
  afterAll(() => cleanupTempDirs());

  it('the critical bound is 1 − 0.05^(1/n) for 0 failures in n cases, per variant', () => {
    // Exact one-sided Clopper–Pearson with 0 failures: (1 − p)^n = 0.05 → p = 1 − 0.05^(1/120) = 2.4658…%.
    const bound = ((1 - 0.05 ** (1 / SPEC_FIXTURE_CASES)) * 100).toFixed(2);
    expect(bound).toBe('2.47');
    for (const variant of ['big', 'small']) {
      expect(md).toContain(`- ${variant}: 0 critical failures in ${SPEC_FIXTURE_CASES} cases: ≤ ${bound}% at 95% (exact one-sided Clopper–Pearson)`);
    }
    // ≤ 5% with no failure: n ≥ ln 0.05 / ln 0.95 = 2.9957 / 0.051293 = 58.4 → 59 cases.
    expect(md).toContain('proving critical failure rate ≤ 5.00% at 95% takes 59 cases with no critical failure');
  });

  it('bars in words with the stored verdicts; the small segment flagged; the review tag counted', () => {
    expect(md).toContain('- pass rate ≥ 80%');
    expect(md).toContain('- critical failure rate ≤ 5%');
    // big: 119 of 120 pass; small: misses the link on 20 of 120 (every sixth) → 100 of 120 = 83.3%.
    expect(md).toMatch(/\| pass rate ≥ 80% \| big \| met \|/);
    expect(md).toMatch(/\| critical failure rate ≤ 5% \| big \| met \| {2}\| /);
    // small: 100 of 120 clears 80% but its Wilson lower bound (≈ 77%) does not: inconclusive, with more cases needed.
    const small = /\| pass rate ≥ 80% \| small \| inconclusive \| ([\d,]+) \|/.exec(md);
    expect(Number(small?.[1].replace(/,/g, ''))).toBeGreaterThan(SPEC_FIXTURE_CASES);
    expect(md).toContain('| segment:tiny | 5 | too small to say anything: 5 cases (rule: fewer than 10 cases) |');
    expect(md).toContain('| wrong-page | 1 |');
    expect(md).not.toContain('`error-tags`');
  });

  it('selection: the suite baseline is the chosen variant, with the frontier and the volume projection', () => {
    expect(md).toContain("Chosen: big — the suite's baseline (baseline: big).");
    expect(md).toMatch(/\| small \| 83\.3% \(/);
    expect(md).not.toContain('`volume`');
    expect(md).toMatch(/Since run \d{8}-\d{6}-\w{4}/);
  });

  it('the failing output is quoted verbatim in a fenced block, never as markup', () => {
    expect(md).toContain('A failure of big on case c-007 (failed: link):');
    const fenceAt = md.indexOf(HOSTILE_OUTPUT);
    expect(fenceAt).toBeGreaterThan(0);
    expect(md.slice(0, fenceAt)).toMatch(/```text\n$/);
  });

  it('--check: exit 0 when the required sections (good, failures) have no gap; exit 1 when one does', async () => {
    const ok = await runCli(['spec', 'evalspec.yaml', '--no-git', '--check'], { cwd: dir });
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('spec check passed: no gap in the required sections (good, failures)');
    // The same suite with safety required: it has no red-team block, so the check fails and names the gap.
    writeFiles(dir, { 'evalspec.yaml': readFileSync(join(dir, 'evalspec.yaml'), 'utf8').replace('required: [good, failures]', 'required: [good, safety]') });
    const failing = await runCli(['spec', 'evalspec.yaml', '--no-git', '--check'], { cwd: dir });
    expect(failing.exitCode).toBe(1);
    expect(failing.stdout).toContain('gap [safety] redteam: no red-team suite');
    expect(failing.stdout).toContain('spec check failed: 1 gap(s) in required sections (good, safety)');
  });
});
