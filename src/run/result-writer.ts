// Results are written as they finish, in small batched transactions: a crash loses at most the last few
// hundred milliseconds of results (which a resume re-runs), and the store never holds a half-written row.
import type { Store, ResultRow, CachedResponse } from '../store/index.js';

export class ResultWriter {
  private rows: ResultRow[] = [];
  private cacheEntries: { key: string; response: CachedResponse }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  private failure: unknown;

  constructor(
    private readonly store: Store,
    private readonly options: { maxBatch: number; maxDelayMs: number } = { maxBatch: 500, maxDelayMs: 100 },
  ) {}

  add(row: ResultRow, cacheEntry?: { key: string; response: CachedResponse }): void {
    this.rows.push(row);
    if (cacheEntry) this.cacheEntries.push(cacheEntry);
    if (this.rows.length >= this.options.maxBatch) this.flushSoon(0);
    else this.flushSoon(this.options.maxDelayMs);
  }

  /** A cache entry on its own (an agent's model step, written as it finishes whether or not its item succeeds). */
  addCache(key: string, response: CachedResponse): void {
    this.cacheEntries.push({ key, response });
    if (this.cacheEntries.length >= this.options.maxBatch) this.flushSoon(0);
    else this.flushSoon(this.options.maxDelayMs);
  }

  private flushSoon(delay: number): void {
    if (this.timer && delay > 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, delay);
  }

  /** Write everything buffered; resolves when it is on disk. Throws the first store failure. */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const rows = this.rows;
    const cache = this.cacheEntries;
    this.rows = [];
    this.cacheEntries = [];
    this.chain = this.chain
      .then(async () => {
        if (cache.length) await this.store.cache.putMany(cache);
        if (rows.length) await this.store.results.putMany(rows);
      })
      .catch((error) => {
        this.failure ??= error;
      });
    return this.chain.then(() => {
      if (this.failure) throw this.failure;
    });
  }
}
