// `evalspec view --playground` as a user runs it (the built CLI in a child process): the playground API answers only
// with the flag, the cap comes from --playground-max-cost, and a bad cap is a usage error; without the flag the
// playground paths answer 404 JSON.
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, runCli } from '../helpers/cli.js';
import type { PlaygroundInfo } from '../../src/viewer/index.js';
import { startHarness, type Harness } from './setup.js';
import { startViewCli, stopViewCli } from '../helpers/view-cli.js';

let h: Harness | undefined;
afterAll(async () => {
  await h?.close();
  cleanupTempDirs();
});

const startView = (db: string, cwd: string, args: string[]) => startViewCli(db, cwd, args);
const stop = stopViewCli;

describe('evalspec view --playground', () => {
  it('turns the playground on with its cap; without the flag its API is 404', async () => {
    h = await startHarness();
    const on = await startView(h.db, h.dir, ['--playground', '--playground-max-cost', '2.5']);
    try {
      expect(on.stdout()).toMatch(/playground on: .* each session may spend \$2\.5/);
      const info = (await (await fetch(`${on.url}api/playground`)).json()) as PlaygroundInfo;
      expect(info.spend).toEqual({ capUsd: 2.5, spentUsd: 0 });
    } finally {
      expect(await stop(on.child)).toBe(0);
    }
    const off = await startView(h.db, h.dir, []);
    try {
      const response = await fetch(`${off.url}api/playground/runs/${h.runId}`);
      expect(response.status).toBe(404);
      expect(((await response.json()) as { error: string }).error).toMatch(/--playground/);
    } finally {
      expect(await stop(off.child)).toBe(0);
    }
    const bad = await runCli(['--db', h.db, 'view', '--playground', '--playground-max-cost', '-1'], { cwd: h.dir });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/--playground-max-cost must be a positive number/);
  });
});
