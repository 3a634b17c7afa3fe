// A pass/fail label saved in the viewer keeps the rubric scores and the pairwise preference the same
// labeller imported for that result (each kind of label is stored apart; the form edits only pass/fail).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { join } from 'node:path';
import { cleanupTempDirs, tempDir, writeFiles } from '../helpers/cli.js';
import { openStore } from '../../src/store/index.js';
import { importLabels, readLabelsFile } from '../../src/calibration/index.js';
import { seededStore, startOver, storedLabels, type Seeded } from './helpers.js';

let seeded: Seeded;
let viewer: Awaited<ReturnType<typeof startOver>>;
beforeAll(async () => {
  seeded = await seededStore(4);
  viewer = await startOver(seeded.db);
});
afterAll(async () => {
  await viewer?.closeAll();
  cleanupTempDirs();
});

it('saving pass/fail in the viewer keeps the imported scores and preference', async () => {
  const store = openStore(seeded.db);
  const run = (await store.runs.get('run-base'))!;
  const [a, b] = run.variants.map((v) => v.id);
  let caseId = '';
  for await (const r of store.results.list('run-base', { variantId: a, slim: true })) {
    caseId = r.caseId;
    break;
  }
  const dir = tempDir();
  writeFiles(dir, { 'l.jsonl': `${JSON.stringify({ case_id: caseId, variant: a, scores: { tone: 4 }, winner: b, labeller: 'tester' })}\n` });
  await importLabels(store, readLabelsFile(join(dir, 'l.jsonl')), { file: 'l.jsonl', runId: 'run-base' });
  await store.close();

  const post = await fetch(`${viewer.url}api/runs/run-base/labels`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Evalspec-Request': '1' },
    body: JSON.stringify({ caseId, variantId: a, repeat: 0, label: 'pass', labeller: 'tester' }),
  });
  expect(post.status).toBe(200);
  const rows = storedLabels(seeded.db);
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({ case_id: caseId, label: 'pass', preference: 'loss', labeller: 'tester' });
  expect(JSON.parse(rows[0].scores_json as string)).toEqual({ tone: 4 });
});
