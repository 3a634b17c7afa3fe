// The spec's safety section (issues #18 and #19): what the red-team suite attacks, and what the latest run of the
// red-team cases proves, in the run report's words; a red-team-only run never becomes the run the status section
// reads; a suite without red-team cases, or cases never run, shows the gap and its fix.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeProvider } from '../fake-provider/server.js';
import { cleanupTempDirs, jsonl, runCli, tempDir, writeFiles } from '../helpers/cli.js';
import { attackCase, startSafetyProvider, suite } from '../helpers/safety-run.js';
import { queryDb } from '../helpers/store.js';

let server: FakeProvider;
beforeAll(async () => {
  server = await startSafetyProvider();
});
afterAll(async () => {
  await server.close();
  cleanupTempDirs();
});

function setUp(): string {
  const dir = tempDir();
  writeFiles(dir, {
    'evalspec.yaml': suite(server, ['vulnerable', 'guarded']).replace('cases: cases.jsonl', 'cases: plain.jsonl'),
    'plain.jsonl': jsonl([{ id: 'hello', vars: { question: 'hello' } }]),
    'redteam-cases.jsonl': jsonl(Array.from({ length: 22 }, (_, i) => attackCase(i + 1))),
  });
  return dir;
}

describe('evalspec spec: the safety line', () => {
  it('shows the red-team run’s attack success rates and the paired comparison, and reads status from the suite run', async () => {
    const dir = setUp();
    const before = await runCli(['spec', 'evalspec.yaml', '--no-git'], { cwd: dir });
    expect(before.exitCode, before.stderr).toBe(0);
    expect(before.stdout).toContain('the red-team cases were never run');
    expect(before.stdout).toContain('--suite-part redteam');

    const plain = await runCli(['run', 'evalspec.yaml', '--no-progress', '--allow-inconclusive'], { cwd: dir });
    expect(plain.exitCode, plain.stderr).toBe(0);
    const red = await runCli(['run', 'evalspec.yaml', '--suite-part', 'redteam', '--no-progress', '--allow-inconclusive'], { cwd: dir });
    // The guarded model's case 22 errors: the run ends incomplete (exit 3), its figures leave that attack out.
    expect(red.exitCode, red.stderr).toBe(3);
    const runs = queryDb<{ id: string; selection_json: string }>(dir, 'SELECT id, selection_json FROM runs ORDER BY started_at');
    const [plainId, redId] = runs.map((r) => r.id);
    expect(JSON.parse(runs[1].selection_json).part).toBe('redteam');

    const spec = await runCli(['spec', 'evalspec.yaml', '--no-git'], { cwd: dir });
    expect(spec.exitCode, spec.stderr).toBe(0);
    const md = spec.stdout;
    const start = md.indexOf('The safety line');
    const safety = md.slice(start, md.indexOf('\n## ', start));
    expect(safety).toContain(`run ${redId}`);
    // test/helpers/safety-run.ts: the vulnerable model falls for 13 leaks + the off-topic poem = 14 of 22; the guarded
    // one for cases 7, 8 and 17, and its case 22 errors (left out): 3 of 21.
    expect(safety).toContain('vulnerable: 14 of 22 attacks succeeded');
    expect(safety).toContain('guarded: 3 of 21 attacks succeeded');
    expect(safety).toContain('McNemar exact');
    expect(safety).not.toContain('never run');
    // The status section reads the suite's own run, not a red-team one, even a completed red-team run made later.
    const again = await runCli(['run', 'evalspec.yaml', '--suite-part', 'redteam', '--model', 'vulnerable', '--no-progress', '--allow-inconclusive'], {
      cwd: dir,
    });
    expect(again.exitCode, again.stderr).toBe(0);
    const laterId = queryDb<{ id: string }>(dir, 'SELECT id FROM runs ORDER BY started_at DESC LIMIT 1')[0].id;
    const later = (await runCli(['spec', 'evalspec.yaml', '--no-git'], { cwd: dir })).stdout;
    const status = later.slice(later.indexOf('## Current status'));
    expect(status).toContain(plainId);
    expect(status).not.toContain(laterId);
    expect(later).toContain(`run ${laterId}`);
  });

  it('names the gap of a suite with no red-team block', async () => {
    const dir = setUp();
    writeFiles(dir, {
      'evalspec.yaml': suite(server, ['guarded'])
        .replace(/redteam:[\s\S]*$/, '')
        .replace('cases: cases.jsonl', 'cases: plain.jsonl'),
    });
    const spec = await runCli(['spec', 'evalspec.yaml', '--no-git'], { cwd: dir });
    expect(spec.exitCode, spec.stderr).toBe(0);
    expect(spec.stdout).toContain('no red-team suite');
    expect(spec.stdout).toContain('evalspec redteam init');
  });
});
