// Issue #22: `evalspec store fold` keeps the fold of runs that have none (runs stored by an older evalspec, runs
// copied between stores, runs whose rows were written again), skips runs still running, and leaves what show
// prints unchanged. The store is written through the Store API; the command runs as a user runs it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore, type ResultRow } from '../../src/store/index.js';
import { cleanupTempDirs, runCli, tempDir } from '../helpers/cli.js';
import { storedResult, storedRun } from '../store/all-stores.js';

afterAll(cleanupTempDirs);

const CASES = 40;

async function writeStore(file: string): Promise<void> {
  const store = openStore(file);
  try {
    for (const [id, status] of [
      ['done', 'completed'],
      ['live', 'started'],
    ] as const) {
      await store.runs.create(storedRun(id, { status }));
      await store.cases.putMany(
        id,
        Array.from({ length: CASES }, (_, c) => ({
          caseId: `c${c}`,
          contentHash: `h${c}`,
          tags: [`segment:${c % 2 ? 'a' : 'b'}`],
          vars: {},
          cluster: null,
          description: null,
        })),
      );
      const rows: ResultRow[] = Array.from({ length: CASES }, (_, c) => storedResult(`c${c}`, { runId: id, pass: c % 3 !== 0, score: c % 3 !== 0 ? 1 : 0 }));
      await store.results.putMany(rows);
    }
  } finally {
    await store.close();
  }
}

const sections = (file: string, runId: string): string[] => {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare('SELECT DISTINCT section FROM run_folds WHERE run_id = ? ORDER BY section').pluck().all(runId) as string[]).sort();
  } finally {
    db.close();
  }
};

describe('evalspec store fold', () => {
  it('keeps the fold of finished runs without one, skips running runs, and show prints the same', async () => {
    const dir = tempDir();
    const file = join(dir, 'evalspec.db');
    await writeStore(file);
    const cli = (args: string[]) => runCli(['--db', file, ...args], { cwd: dir });
    const before = await cli(['show', 'done', '--json', 'before.json']);
    expect(before.exitCode, before.stderr).toBe(0);
    expect(sections(file, 'done')).toEqual([]);

    const first = await cli(['store', 'fold']);
    expect(first.exitCode, first.stderr).toBe(0);
    expect(first.stdout).toContain(`done: folded (${CASES} results)`);
    expect(first.stdout).toContain('live: skipped: still running');
    expect(first.stdout).toContain('1 runs folded, 0 already current, 1 still running, 0 failed');
    expect(sections(file, 'done')).toEqual(['cases', 'outcomes', 'report', 'selection']);
    expect(sections(file, 'live')).toEqual([]);

    const again = await cli(['store', 'fold', 'done']);
    expect(again.stdout).toContain(`done: already current (${CASES} results)`);
    const forced = await cli(['store', 'fold', 'done', '--force', '--json']);
    expect((JSON.parse(forced.stdout) as { folds: { runId: string; outcome: string }[] }).folds).toMatchObject([{ runId: 'done', outcome: 'kept' }]);

    const after = await cli(['show', 'done', '--json', 'after.json']);
    expect(after.exitCode, after.stderr).toBe(0);
    expect(after.stdout).toBe(before.stdout);
    const report = (f: string) => ({ ...(JSON.parse(readFileSync(join(dir, f), 'utf8')) as object), generatedAt: null });
    expect(report('after.json')).toEqual(report('before.json'));

    const missing = await cli(['store', 'fold', 'nope']);
    expect(missing.exitCode).not.toBe(0);
    expect(missing.stderr).toContain('no run nope');
  });
});
