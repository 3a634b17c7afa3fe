// The Store contract for a run's rate-limit figures (testAllStores: SQLite and PostgreSQL): each process stores
// its own figures under its name (a later write of the same process replaces them), and the run's figures are
// the processes' summed per provider:model. Sums worked by hand below.
import { describe, expect, it } from 'vitest';
import type { RateLimitFigures } from '../../src/store/index.js';
import { testAllStores, storedRun } from './all-stores.js';

const run = (id: string) => storedRun(id);

const figures = (model: string, extra: Partial<RateLimitFigures> = {}): RateLimitFigures => ({
  model,
  declared: { rpm: 600, tpm: null },
  learned: { rpm: null, tpm: null, inputTpm: null, outputTpm: null },
  attempts: 10,
  rejected: 1,
  waitedS: 0.5,
  concurrencyWindow: null,
  ...extra,
});

testAllStores('store contract: rate-limit figures', ({ open }) => {
  describe('rateLimits', () => {
    it('a run without figures lists none', async () => {
      const store = await open();
      await store.runs.create(run('r1'));
      expect(await store.rateLimits.list('r1')).toEqual([]);
    });

    it('one process: stored as given, a later write of the same process replaces it', async () => {
      const store = await open();
      await store.runs.create(run('r1'));
      await store.rateLimits.put('r1', 'w1', [figures('openai:gpt-4o', { attempts: 4 })]);
      await store.rateLimits.put('r1', 'w1', [figures('openai:gpt-4o')]);
      expect(await store.rateLimits.list('r1')).toEqual([figures('openai:gpt-4o')]);
    });

    it('several processes: summed per model; learned limits are the highest read, windows add up; runs stay apart', async () => {
      const store = await open();
      await store.runs.create(run('r1'));
      await store.runs.create(run('r2'));
      await store.rateLimits.put('r1', 'w1', [
        figures('openai:gpt-4o', { learned: { rpm: 500, tpm: null, inputTpm: null, outputTpm: null }, concurrencyWindow: 3 }),
        figures('openai:gpt-4o-mini', { attempts: 7, rejected: 0, waitedS: 0 }),
      ]);
      await store.rateLimits.put('r1', 'w2', [
        figures('openai:gpt-4o', { attempts: 5, rejected: 2, waitedS: 1.25, learned: { rpm: 600, tpm: 90000, inputTpm: null, outputTpm: null } }),
      ]);
      await store.rateLimits.put('r2', 'w1', [figures('openai:gpt-4o', { attempts: 99 })]);
      // gpt-4o: attempts 10 + 5 = 15, rejected 1 + 2 = 3, waited 0.5 + 1.25 = 1.75 s, rpm max(500, 600) = 600,
      // tpm only w2's 90,000, window 3 + unknown = 3. gpt-4o-mini: w1's alone.
      expect(await store.rateLimits.list('r1')).toEqual([
        figures('openai:gpt-4o', {
          attempts: 15,
          rejected: 3,
          waitedS: 1.75,
          learned: { rpm: 600, tpm: 90000, inputTpm: null, outputTpm: null },
          concurrencyWindow: 3,
        }),
        figures('openai:gpt-4o-mini', { attempts: 7, rejected: 0, waitedS: 0 }),
      ]);
      expect((await store.rateLimits.list('r2'))[0].attempts).toBe(99);
    });
  });
});
