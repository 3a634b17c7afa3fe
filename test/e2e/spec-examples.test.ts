// Every suite under examples/ renders as a spec, in Markdown and in HTML, with the built CLI and no store: every
// figure that needs a run is a gap, not an error. (τ-bench's cases are built from the τ-bench transcripts: it
// renders when they are on this machine, as in tau-bench-example.test.ts.)
import { afterAll, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO, cleanupTempDirs, runCli, tempDir } from '../helpers/cli.js';

const EXAMPLES = join(REPO, 'examples');
const TAU_FILE = process.env.TAU_BENCH_FILE ?? join(REPO, '../shared/data/real/tau_bench/historical_trajectories/gpt-4o-airline.json');

/** The suite file of each example; τ-bench's copied beside its built cases (skipped without the transcripts). */
function exampleSuites(): { name: string; file: string }[] {
  return readdirSync(EXAMPLES)
    .filter((name) => existsSync(join(EXAMPLES, name, 'evalspec.yaml')))
    .flatMap((name) => {
      if (name !== 'tau-bench-airline') return [{ name, file: join(EXAMPLES, name, 'evalspec.yaml') }];
      if (!existsSync(TAU_FILE)) return [];
      const dir = tempDir();
      for (const f of ['build-data.mjs', 'evalspec.yaml', 'behaviour.yaml']) copyFileSync(join(EXAMPLES, name, f), join(dir, f));
      execFileSync(process.execPath, [join(dir, 'build-data.mjs'), TAU_FILE], { encoding: 'utf8' });
      return [{ name, file: join(dir, 'evalspec.yaml') }];
    });
}

describe('examples/ render as specs', () => {
  const cwd = tempDir();
  const suites = exampleSuites();
  afterAll(() => cleanupTempDirs());

  it('finds the examples', () => {
    expect(suites.length).toBeGreaterThanOrEqual(7);
  });

  it.each(suites)('$name: Markdown with every section, and the figures a run would give as gaps', async ({ file }) => {
    const result = await runCli(['spec', file], { cwd });
    expect(result.exitCode, result.stderr).toBe(0);
    for (const title of [
      '## Overview',
      '## What "good" means',
      '## Failure modes',
      '## Data',
      '## Model selection rationale',
      '## Current status',
      '## Deployment stage and kill switch',
      '## Change log',
    ]) {
      expect(result.stdout).toContain(title);
    }
    expect(result.stdout).toContain('**gap** `store`: no store read');
    expect(result.stdout).toContain('**gap** `run`: no stored run: the bars have no verdict yet');
  });

  it.each(suites)('$name: one self-contained HTML file (CSP meta, no script, no external reference)', async ({ name, file }) => {
    const out = join(cwd, `${name}.html`);
    const result = await runCli(['spec', file, '--format', 'html', '--out', out], { cwd });
    expect(result.exitCode, result.stderr).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`);
    expect(html).toContain('@media print');
    expect(html).not.toMatch(/<script|<link|<img|<iframe|src=/i);
  });
});

describe("examples/support-monitoring's spec: block", () => {
  afterAll(() => cleanupTempDirs());

  it('shows the owner, user story and kill switch; --check passes (the required overview has no gap)', async () => {
    const cwd = tempDir();
    const file = join(EXAMPLES, 'support-monitoring', 'evalspec.yaml');
    const md = await runCli(['spec', file], { cwd });
    expect(md.stdout).toContain('Owner: Support tooling team');
    expect(md.stdout).toContain('- an internal note reaches a customer more than once in 1,000 answers');
    expect(md.stdout).toContain('Wireframe: `README.md`');
    const check = await runCli(['spec', file, '--check'], { cwd });
    expect(check.exitCode, check.stdout).toBe(0);
    expect(check.stdout).toContain('spec check passed: no gap in the required sections (overview)');
  });
});
