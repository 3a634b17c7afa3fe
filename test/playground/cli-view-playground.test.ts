// `evalspec view --playground` as a user runs it (the built CLI in a child process): the playground API answers only
// with the flag, the cap comes from --playground-max-cost, and a bad cap is a usage error; without the flag the
// playground paths answer 404 JSON.
import { afterAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { cleanupTempDirs, runCli, startCli } from '../helpers/cli.js';
import type { PlaygroundInfo } from '../../src/viewer/index.js';
import { startHarness, type Harness } from './setup.js';

let h: Harness | undefined;
afterAll(async () => {
  await h?.close();
  cleanupTempDirs();
});

function startView(db: string, cwd: string, args: string[]): Promise<{ child: ChildProcess; url: string; stdout: () => string }> {
  const child = startCli(['--db', db, 'view', ...args], { cwd });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL printed: ${stdout} ${stderr}`)), 20_000);
    child.stdout!.on('data', () => {
      const m = /open (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout);
      if (m && stdout.includes('Ctrl-C to stop')) {
        clearTimeout(timer);
        resolve({ child, url: m[1], stdout: () => stdout });
      }
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
  });
}

const stop = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    child.removeAllListeners('exit');
    child.on('exit', (code) => resolve(code));
    child.kill('SIGINT');
  });

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
