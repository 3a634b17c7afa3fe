// `evalspec view --suite FILE` (the built CLI in a child process): the Monitor page's suites come from the files given;
// a missing file is a usage error naming it; without --suite, a production suite with no stored run is listed by name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { cleanupTempDirs, runCli } from '../helpers/cli.js';
import type { MonitorListResponse } from '../../src/viewer/index.js';
import { EXIT } from '../../src/errors.js';
import { openStore } from '../../src/store/index.js';
import { MONITOR, SUITE, seedProduction, type SeededProduction } from './monitor-seed.js';
import { startViewCli, stopViewCli } from '../helpers/view-cli.js';

let seeded: SeededProduction;
beforeAll(async () => {
  seeded = await seedProduction();
});
afterAll(() => cleanupTempDirs());

const startView = (args: string[]) => startViewCli(seeded.db, seeded.dir, args);
const stop = stopViewCli;

describe('evalspec view --suite', () => {
  it('shows the monitors of the suite files given', async () => {
    const { child, url } = await startView(['--suite', seeded.suiteFile]);
    try {
      const list = (await (await fetch(`${url}api/monitor`)).json()) as MonitorListResponse;
      expect(list.suites.map((s) => [s.suite, s.monitors.map((m) => m.name)])).toEqual([[SUITE, [MONITOR]]]);
      expect(list.withoutSuiteFile).toEqual([]);
    } finally {
      expect(await stop(child)).toBe(0);
    }
  });

  it('without --suite, names the production suites it has no suite file for', async () => {
    // No run of support-prod is stored, so no suite file is known for it.
    const { child, url } = await startView([]);
    try {
      const list = (await (await fetch(`${url}api/monitor`)).json()) as MonitorListResponse;
      expect(list).toEqual({ suites: [], withoutSuiteFile: [SUITE] });
      expect((await fetch(`${url}api/monitor/${SUITE}/${MONITOR}`)).status).toBe(404);
    } finally {
      expect(await stop(child)).toBe(0);
    }
  });

  it('without --suite, reads the suite file of the suite’s latest stored run', async () => {
    const store = openStore(seeded.db);
    try {
      await store.runs.create({
        id: 'run-prod-1',
        suiteName: SUITE,
        suiteHash: 'h',
        suiteFile: seeded.suiteFile,
        label: null,
        status: 'completed',
        formatVersion: 1,
        config: {},
        variants: [],
        repeat: 1,
        gitCommit: null,
        gitBranch: null,
        totalCalls: 0,
        startedAt: new Date().toISOString(),
        endedAt: new Date().toISOString(),
        warnings: [],
      });
    } finally {
      await store.close();
    }
    const { child, url } = await startView([]);
    try {
      const list = (await (await fetch(`${url}api/monitor`)).json()) as MonitorListResponse;
      expect(list.suites.map((s) => s.suite)).toEqual([SUITE]);
      expect(list.withoutSuiteFile).toEqual([]);
    } finally {
      expect(await stop(child)).toBe(0);
    }
  });

  it('refuses a suite file that does not exist, naming it', async () => {
    const missing = join(seeded.dir, 'nope.yaml');
    const result = await runCli(['--db', seeded.db, 'view', '--suite', missing], { cwd: seeded.dir });
    expect(result.exitCode).toBe(EXIT.invalidInput);
    expect(result.stderr).toContain('nope.yaml');
  });
});
