// `evalspec spec` on the support-monitoring example with its production traffic (a temporary copy: the seeded 30
// days written, the offline run labelled main, the traffic ingested and scored): the status section puts each
// monitor's production window beside the offline figure, the same figures `monitor status --json` gives at that
// time; without --now the windows are past the traffic and each monitor is a `production` gap.
import { cpSync, readdirSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, cleanupTempDirs, runCli, tempDir } from '../helpers/cli.js';

const EXAMPLE = join(REPO, 'examples/support-monitoring');
const DAY30_END = '2026-12-01T00:00:00Z';

describe('evalspec spec: production vs offline', () => {
  let dir: string;
  const cli = (args: string[]) => runCli(args, { cwd: dir, timeoutMs: 120_000 });
  beforeAll(async () => {
    dir = tempDir('evalspec-spec-production-');
    cpSync(EXAMPLE, dir, { recursive: true });
    for (const generated of ['traffic', '.evalspec', 'cases-production.jsonl']) rmSync(join(dir, generated), { recursive: true, force: true });
    const made = spawnSync(process.execPath, ['make-traffic.mjs'], { cwd: dir, encoding: 'utf8' });
    expect(made.status, made.stderr).toBe(0);
    const run = await cli(['run', 'evalspec.yaml', '--label', 'main', '--no-progress']);
    expect(run.exitCode, run.stderr).toBe(0);
    const files = readdirSync(join(dir, 'traffic')).map((f) => `traffic/${f}`);
    const ingest = await cli(['ingest', ...files, '--suite', 'evalspec.yaml']);
    expect(ingest.exitCode, ingest.stderr).toBe(0);
  });
  afterAll(() => cleanupTempDirs());

  it("each monitor's window beside the offline figure, as monitor status gives them", async () => {
    const spec = await cli(['spec', 'evalspec.yaml', '--no-git', '--now', DAY30_END]);
    expect(spec.exitCode, spec.stderr).toBe(0);
    const status = await cli(['monitor', 'status', 'evalspec.yaml', '--json', '--now', DAY30_END]);
    const statuses = JSON.parse(status.stdout) as { monitor: string; metrics: { metric: string; state: string; window: { n: number; estimate: number } }[] }[];
    for (const s of statuses) {
      const passRate = s.metrics.find((m) => m.metric === 'pass_rate')!;
      const row = `| ${s.monitor} | pass rate | ${(passRate.window.estimate * 100).toFixed(1)}% over ${passRate.window.n} |`;
      expect(spec.stdout).toContain(row);
      expect(spec.stdout.split('\n').find((l) => l.startsWith(row))).toMatch(new RegExp(`\\| ${passRate.state} \\|$`));
    }
    expect(spec.stdout).toContain('### Production vs offline');
    expect(spec.stdout).not.toContain('`production`');
  });

  it('without --now the windows are past the traffic: a production gap per monitor', async () => {
    const spec = await cli(['spec', 'evalspec.yaml', '--no-git']);
    expect(spec.exitCode, spec.stderr).toBe(0);
    expect(spec.stdout).toContain('**gap** `production`: monitor all-traffic: no scored production record in its window (2d up to');
    expect(spec.stdout).toContain('**gap** `production`: monitor billing: no scored production record in its window (3d up to');
  });
});
