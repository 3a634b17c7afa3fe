// startCollectService in-process (the scorer loop on the receiver's thread): concurrent senders each acknowledged
// only once their records are stored (group commit), the queue scored to empty by the suite's monitor, the
// onCycle hook called periodically one call at a time and never after stop(), and stop()'s counts.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startCollectService } from '../../src/monitor/index.js';
import { openStore } from '../../src/store/index.js';
import { loadSuite } from '../../src/suite/index.js';
import { terminateUserCode } from '../../src/user-code/index.js';
import { cleanupTempDirs, tempDir } from '../helpers/cli.js';

afterAll(() => {
  cleanupTempDirs();
  return terminateUserCode('tests done');
});

const SUITE = `name: service
models: [openai:gpt-4o-mini]
cases: [{ id: c1 }]
checks:
  - { type: contains, value: "order", metric: mentions-order }
monitors:
  - name: answers
    sample: 1.0
`;

const line = (sender: number, i: number) =>
  JSON.stringify({
    timestamp: `2026-12-01T10:0${sender}:${String(i).padStart(2, '0')}Z`,
    model: 'gpt-4o-mini',
    input: `sender ${sender} question ${i}`,
    // Senders 0-2 mention the order, 3-4 do not: 9 of 15 records pass.
    output: sender < 3 ? `Your order ${i} ships today.` : 'It ships today.',
  });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('startCollectService', () => {
  it('acknowledges after commit, scores the queue, runs onCycle one at a time until stop()', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'evalspec.yaml'), SUITE);
    const suite = loadSuite(join(dir, 'evalspec.yaml'));
    const store = openStore(join(dir, 'store.db'));
    let cycles = 0;
    let running = 0;
    let overlapped = false;
    const service = await startCollectService({
      suite,
      store,
      port: 0,
      onCycle: {
        everyMs: 20,
        run: async () => {
          cycles++;
          running++;
          if (running > 1) overlapped = true;
          await sleep(60); // longer than the period: the next call must wait for this one
          running--;
        },
      },
    });
    try {
      // Five senders at once, three records each.
      const answers = await Promise.all(
        [0, 1, 2, 3, 4].map((sender) =>
          fetch(`${service.url}/v1/records`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-ndjson' },
            body: [0, 1, 2].map((i) => line(sender, i)).join('\n'),
          }).then(async (res) => {
            // Acknowledged = stored: the sender's records are in the store when its answer arrives.
            const stored = [];
            for await (const r of store.production.records({ suite: 'service' })) if (r.input?.[0]?.content.startsWith(`sender ${sender} `)) stored.push(r);
            return { status: res.status, stored: stored.length };
          }),
        ),
      );
      expect(answers).toEqual(Array.from({ length: 5 }, () => ({ status: 200, stored: 3 })));

      for (let i = 0; i < 200 && (service.stats().scored < 15 || (await service.queueDepth()) > 0); i++) await sleep(25);
      expect(await service.queueDepth()).toBe(0);
      await sleep(150);
    } finally {
      const final = await service.stop();
      expect(final).toMatchObject({ received: 15, stored: 15, duplicates: 0, ignoredSpans: 0, rejected: 0, scored: 15 });
    }
    const after = cycles;
    expect(after).toBeGreaterThanOrEqual(2);
    expect(overlapped).toBe(false);
    await sleep(100);
    expect(cycles).toBe(after);

    let passed = 0;
    for await (const o of store.production.observations({ suite: 'service', monitor: 'answers' })) if (o.passed) passed++;
    expect(passed).toBe(9);
    await store.close();
  });
});
