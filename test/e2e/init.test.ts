// `evalspec init DIR` scaffolds a suite that runs offline, with no key and no network, straight away.
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir, cleanupTempDirs } from '../helpers/cli.js';
import { jsonReportSchema } from '../helpers/report-schema.js';
import { parseXml } from '../helpers/xml.js';

describe('evalspec init', () => {
  afterAll(() => cleanupTempDirs());

  it('creates a suite that `evalspec run` runs offline', async () => {
    const dir = tempDir();
    const init = await runCli(['init', 'my-suite'], { cwd: dir });
    expect(init.stderr).toBe('');
    expect(init.exitCode, init.stderr).toBe(0);
    for (const f of ['evalspec.yaml', 'cases.jsonl', 'app.mjs']) expect(existsSync(join(dir, 'my-suite', f)), f).toBe(true);
    expect(init.stdout).toContain('next: npx evalspec run my-suite/evalspec.yaml');

    // No provider key and no network: the clean env of runCli has neither OPENAI_API_KEY nor a proxy.
    const run = await runCli(['run', 'my-suite/evalspec.yaml', '--json', 'out.json', '--junit', 'out.xml', '--md', 'out.md'], { cwd: dir });
    expect(run.stderr).not.toContain('error[');
    // No bars in the scaffold: a finished run exits 0 whatever its pass rate.
    expect(run.exitCode, run.stderr).toBe(0);
    const report = jsonReportSchema.parse(JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')));
    expect(report.status).toBe('completed');
    expect(report.suite.name).toBe('refund-helper');
    expect(report.variants.map((v) => v.id)).toEqual(['rules-baseline']);
    const v = report.variants[0];
    expect(v.cases).toBe(6);
    expect(v.errors).toBe(0);
    // The rules baseline handles the plain questions and misses the business and Spanish ones.
    const failed = report.results
      .filter((r) => !r.pass)
      .map((r) => r.caseId)
      .sort();
    expect(failed).toEqual(['bulk', 'language']);
    expect(v.passed).toBe(4);
    // The critical no-cash-promise check ran on every case and held.
    for (const r of report.results) expect(r.checks.find((c) => c.metric === 'no-cash-promise')).toMatchObject({ severity: 'critical', pass: true });
    expect(() => parseXml(readFileSync(join(dir, 'out.xml'), 'utf8'))).not.toThrow();
    expect(run.stdout).toMatch(/rules-baseline\s+6\s+66\.7%/);
  });

  it('refuses to overwrite an existing suite (exit 2, file untouched)', async () => {
    const dir = tempDir();
    expect((await runCli(['init', 's'], { cwd: dir })).exitCode).toBe(0);
    const before = readFileSync(join(dir, 's/evalspec.yaml'), 'utf8');
    const again = await runCli(['init', 's'], { cwd: dir });
    expect(again.exitCode, again.stderr).toBe(2);
    expect(again.stderr).toContain('error[USAGE]');
    expect(again.stderr).toContain('already exists');
    expect(again.stderr).toContain('fix: ');
    expect(readFileSync(join(dir, 's/evalspec.yaml'), 'utf8')).toBe(before);
  });
});
