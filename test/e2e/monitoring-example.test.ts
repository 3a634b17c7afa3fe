// The support-monitoring example's walkthrough (examples/support-monitoring/README.md) end to end through the built
// CLI, on a temporary copy of the example: the seeded traffic is written, the offline suite run with --label main,
// the 30 days ingested and scored. Then, replaying days with --now: the traffic-mix week (days 8–14) is input drift
// with no quality alert; at day 16 nothing is open (exit 0); at day 30 the billing monitor's pass rate alerts (exit 1)
// and no other quality metric does. The emails users typed never reach the store (every column of every table is
// scanned) nor `monitor status --json` nor the promoted cases, which load as the cases of a suite.
import Database from 'better-sqlite3';
import { cpSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, cleanupTempDirs, runCli, tempDir } from '../helpers/cli.js';
import { dbPath } from '../helpers/store.js';
import { loadSuite } from '../../src/suite/index.js';

const EXAMPLE = join(REPO, 'examples/support-monitoring');
const DAY16_END = '2026-11-17T00:00:00Z';
const DAY30_END = '2026-12-01T00:00:00Z';
const EMAIL = /[\w.+-]+@[\w-]+\.[\w.]+/;

let dir: string;
const cli = (args: string[]) => runCli(args, { cwd: dir, timeoutMs: 120_000 });
const statusJson = async (now: string) => {
  const result = await cli(['monitor', 'status', 'evalspec.yaml', '--json', '--now', now]);
  expect(result.stderr).toBe('');
  return { text: result.stdout, statuses: JSON.parse(result.stdout) as any[] };
};
const monitor = (statuses: any[], name: string) => statuses.find((s) => s.monitor === name);
const alertMetrics = (status: any) => status.openAlerts.map((a: any) => a.metric).sort();

beforeAll(async () => {
  dir = tempDir('evalspec-monitoring-example-');
  cpSync(EXAMPLE, dir, { recursive: true });
  for (const generated of ['traffic', '.evalspec', 'cases-production.jsonl']) rmSync(join(dir, generated), { recursive: true, force: true });
  const made = spawnSync(process.execPath, ['make-traffic.mjs'], { cwd: dir, encoding: 'utf8' });
  expect(made.status, made.stderr).toBe(0);
  const run = await cli(['run', 'evalspec.yaml', '--label', 'main']);
  expect(run.exitCode, run.stderr).toBe(0);
  const files = readdirSync(join(dir, 'traffic')).map((f) => `traffic/${f}`);
  const ingest = await cli(['ingest', ...files, '--suite', 'evalspec.yaml']);
  expect(ingest.exitCode, ingest.stderr).toBe(0);
}, 240_000);
afterAll(() => cleanupTempDirs());

describe('the support-monitoring example, end to end', () => {
  it('writes the documented traffic: 30 days of ~300 calls, emails in some messages', () => {
    const files = readdirSync(join(dir, 'traffic'));
    expect(files).toHaveLength(30);
    const lines = files.flatMap((f) =>
      readFileSync(join(dir, 'traffic', f), 'utf8')
        .trim()
        .split('\n'),
    );
    expect(lines.length).toBeGreaterThan(30 * 280);
    expect(lines.length).toBeLessThan(30 * 320);
    const withEmail = lines.filter((l) => EMAIL.test(JSON.stringify(JSON.parse(l).input)));
    expect(withEmail.length).toBeGreaterThan(100);
  });

  it('the traffic-mix week is input drift, not a quality change', async () => {
    const { statuses } = await statusJson('2026-11-13T00:00:00Z');
    const all = monitor(statuses, 'all-traffic');
    expect(alertMetrics(all)).toEqual(['segment_mix']);
    const mix = all.inputDrift.find((m: any) => m.metric === 'segment_mix');
    const billing = mix.segments.find((s: any) => s.segment === 'topic:billing');
    // make-traffic.mjs: 30% billing that week against 60% in the offline cases (240 of 400).
    expect(billing.baselineShare).toBeCloseTo(0.6, 6);
    expect(billing.share).toBeGreaterThan(0.2);
    expect(billing.share).toBeLessThan(0.4);
    // With two segments, billing falling is the same evidence as shipping rising: the alarm names the one with more
    // evidence (stats/drift.ts), so either may be marked; one of them must be.
    expect(mix.segments.filter((s: any) => s.moved).map((s: any) => s.segment)).toHaveLength(1);
    for (const m of [...all.metrics, ...monitor(statuses, 'billing').metrics]) expect(m.state).not.toBe('alert');
    // The run baseline's cases have no detected language: the language mix has no baseline, and no share is shown as 0.
    expect(all.languageMix.state).toBe('no-baseline');
    expect(all.languageMix.languages.map((l: any) => [l.language, l.baselineShare])).toEqual([['en', null]]);
  });

  it('day 16: no alert, exit 0; day 30: the billing pass rate alerts, exit 1', async () => {
    const before = await cli(['monitor', 'check', 'evalspec.yaml', '--exit-code', '--now', DAY16_END]);
    expect(before.exitCode, before.stderr).toBe(0);
    expect(before.stdout).toMatch(/; 0 open/);
    const after = await cli(['monitor', 'check', 'evalspec.yaml', '--exit-code', '--now', DAY30_END]);
    expect(after.exitCode, after.stderr).toBe(1);
    const { statuses } = await statusJson(DAY30_END);
    const billing = monitor(statuses, 'billing');
    expect(alertMetrics(billing)).toEqual(['pass_rate']);
    const pass = billing.metrics.find((m: any) => m.metric === 'pass_rate');
    // The regression starts on day 18 (2026-11-18): the drop is dated after it, never before.
    expect(pass.detector.alarm.at >= '2026-11-18').toBe(true);
    expect(pass.window.estimate).toBeLessThan(pass.baseline.value);
    const all = monitor(statuses, 'all-traffic');
    expect(alertMetrics(all)).toEqual([]);
    // The mix week's alarm is history by day 30: the shares are back, no segment is marked as moved.
    const mix = all.inputDrift.find((m: any) => m.metric === 'segment_mix');
    expect(mix.segments.filter((s: any) => s.moved)).toEqual([]);
  });

  it('no email reaches the store, the status JSON or the promoted cases; promoted cases load as suite cases', async () => {
    const db = new Database(dbPath(dir), { readonly: true });
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
    let production = 0;
    for (const { name } of tables) {
      for (const row of db.prepare(`SELECT * FROM "${name}"`).iterate() as Iterable<Record<string, unknown>>) {
        if (name === 'production_records') production++;
        for (const value of Object.values(row)) {
          const text = typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString('utf8') : '';
          if (EMAIL.test(text)) throw new Error(`an email in ${name}: ${text.slice(0, 200)}`);
        }
      }
    }
    db.close();
    expect(production).toBeGreaterThan(8000);
    expect(EMAIL.test((await statusJson(DAY30_END)).text)).toBe(false);

    const promote = await cli(['promote', 'evalspec.yaml', '--failed', '--monitor', 'billing', '--since', '2026-11-18', '--until', '2026-12-01']);
    expect(promote.exitCode, promote.stderr).toBe(0);
    const out = readFileSync(join(dir, 'cases-production.jsonl'), 'utf8');
    expect(out).toContain('[email]');
    expect(EMAIL.test(out)).toBe(false);
    const promoted = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(promoted.length).toBeGreaterThan(50);
    for (const c of promoted) expect(c.provenance).toMatchObject({ source: 'production', monitor: 'billing', selected: 'failed' });

    // A suite whose cases are the promoted ones loads them (ids, vars, tags and provenance kept).
    const suiteText = readFileSync(join(dir, 'evalspec.yaml'), 'utf8').replace(/^cases: cases\.jsonl$/m, 'cases: cases-production.jsonl');
    writeFileSync(join(dir, 'promoted.yaml'), suiteText);
    const suite = loadSuite(join(dir, 'promoted.yaml'));
    expect(suite.cases.map((c) => c.id)).toEqual(promoted.map((c) => c.id));
    expect(suite.cases[0].vars.input).toBe(promoted[0].vars.input);
    expect(suite.cases[0].tags).toContain('topic:billing');
  });
});
