// The SQLite connection that ingests production records checkpoints its write-ahead log every 10,000 pages rather
// than SQLite's default 1,000 (production-sqlite.ts: hashed ids dirty index pages everywhere, so rarer checkpoints
// write each hot page fewer times). Seen from outside: after ~2,000 pages of records the -wal file still holds them
// (with the default it is checkpointed and reused at ~1,000 pages, so it stays near 1,000 pages + one batch).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { record, score } from './production-fixture.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

it('keeps up to 10,000 pages in the WAL of an ingesting connection', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evalspec-wal-'));
  dirs.push(dir);
  const file = path.join(dir, 'store.db');
  const store = openStore(file);
  // 1,000 records of ~8 KB output in batches of 50 (~100 pages each): ~2,000 pages of 4 KB in the table alone.
  const body = 'x'.repeat(8000);
  for (let b = 0; b < 20; b++) {
    const batch = Array.from({ length: 50 }, (_, i) => record(`r${b * 50 + i}`, b * 50 + i, { output: `${body}${b * 50 + i}` }));
    await store.production.putRecords(batch, []);
  }
  const walPages = fs.statSync(`${file}-wal`).size / 4096;
  // Default checkpointing would leave ≤ ~1,000 + 100 pages; the ingesting connection's log holds all ~2,000.
  expect(walPages).toBeGreaterThan(1800);
  await store.close();
});

// The collector's scorer thread has its own connection that only completes scores: it checkpoints every 4,000
// pages, not SQLite's 1,000 (each hot page of the hashed-key indexes written fewer times), yet below the ingesting
// connection's 10,000, so it is still the one that checkpoints while both run.
it('keeps up to 4,000 pages in the WAL of a connection that completes scores', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evalspec-wal-'));
  dirs.push(dir);
  const file = path.join(dir, 'store.db');
  const scorer = openStore(file);
  const writer = openStore(file);
  const records = Array.from({ length: 1000 }, (_, i) => record(`r${i}`, i));
  await writer.production.putRecords(
    records,
    records.map((r) => ({ recordId: r.id, monitor: 'm' })),
  );
  // 1,000 scores with an ~8 KB reason each, completed 50 at a time: ~2,000 pages of 4 KB in the scores table alone.
  const reason = 'y'.repeat(8000);
  for (let b = 0; b < 20; b++) {
    const batch = records
      .slice(b * 50, b * 50 + 50)
      .map((r) => score(r.id, 'm', { checks: [{ name: 'c', type: 'contains', passed: true, score: 1, severity: 'normal', reason: `${reason}${r.id}` }] }));
    await scorer.production.complete(batch);
  }
  expect(await scorer.production.queueDepth('support')).toBe(0);
  const walPages = fs.statSync(`${file}-wal`).size / 4096;
  // At SQLite's default the log is checkpointed and reused near 1,000 pages (it stays ≤ ~1,000 + 100); here it holds all ~2,000.
  expect(walPages).toBeGreaterThan(1800);
  await writer.close();
  await scorer.close();
});
