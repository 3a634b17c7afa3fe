// The scorer loop keeps going when SQLite says the store is busy: another connection holds the write lock past the
// store's busy_timeout (5 s), as the collector's receiver and a WAL checkpoint can on a loaded machine. Before, the
// first SQLITE_BUSY was fatal and stopped the collector's scoring. A real second connection holds the lock here.
import Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProductionScorer, importProductionFiles, startScoreLoop } from '../../src/monitor/index.js';
import { openStore } from '../../src/store/index.js';
import { loadSuite } from '../../src/suite/index.js';
import { terminateUserCode } from '../../src/user-code/index.js';
import { cleanupTempDirs, tempDir } from '../helpers/cli.js';

afterAll(() => {
  cleanupTempDirs();
  return terminateUserCode('tests done');
});

const SUITE = `name: busy
models: [openai:gpt-4o-mini]
cases: [{ id: c1 }]
checks:
  - { type: contains, value: "order", metric: mentions-order }
monitors:
  - name: answers
`;

describe('the scorer loop on a busy SQLite store', () => {
  it('waits for the write lock instead of failing, and scores every queued record once', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'evalspec.yaml'), SUITE);
    const lines = Array.from({ length: 6 }, (_, i) =>
      JSON.stringify({ timestamp: `2026-12-01T10:00:0${i}Z`, model: 'gpt-4o-mini', input: `q${i}`, output: i < 4 ? 'your order ships' : 'it ships' }),
    );
    writeFileSync(join(dir, 'traffic.jsonl'), `${lines.join('\n')}\n`);
    const suite = loadSuite(join(dir, 'evalspec.yaml'));
    const store = openStore(join(dir, 'store.db'));
    await importProductionFiles([join(dir, 'traffic.jsonl')], { suite, store });
    expect(await store.production.queueDepth('busy')).toBe(6);

    // Another connection takes the write lock and keeps it for longer than busy_timeout.
    const other = new Database(join(dir, 'store.db'));
    other.prepare('BEGIN IMMEDIATE').run();
    const scorer = await createProductionScorer({ suite, store });
    const loop = startScoreLoop({ store, suite, scorer, untilEmpty: true });
    let released = false;
    const release = setTimeout(() => {
      other.prepare('COMMIT').run();
      other.close();
      released = true;
    }, 6500);
    await loop.done;
    clearTimeout(release);
    expect(released).toBe(true); // the loop could only finish after the lock was gone
    expect(loop.scored()).toBe(6);
    expect(await store.production.queueDepth('busy')).toBe(0);
    const observed: boolean[] = [];
    for await (const o of store.production.observations({ suite: 'busy', monitor: 'answers' })) observed.push(o.passed === true);
    expect(observed.filter(Boolean)).toHaveLength(4); // 4 of 6 outputs mention the order
    await store.close();
  }, 30_000);
});
