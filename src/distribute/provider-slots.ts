// A provider connection's declared `concurrency` held across the workers of distributed runs (issue #14) and lent
// to where the calls are: ten workers on a provider declared at `concurrency: 20` send at most 20 calls at once
// together, and a worker with nothing to send holds none of them, so at the end of a run the last jobs get them all.
//
// One row of provider_slots per (connection, worker) in the team store: `held`, the slots the worker may use, and
// `wants`, its calls in flight or waiting. A worker rebalances its row in a transaction under an advisory lock per
// connection: it reads the live rows (renewed within STALE_MS), and takes what its want and the others leave:
//   - when no other worker is short (wanting more than it holds), as much as it wants of what the others do not hold;
//   - when one is, its fair share (fairShares: the declared limit water-filled over the wants) and no more.
// It records max(what it took, its calls in flight): Σ held never passes the limit, and a worker's calls never pass
// its recorded held, so the calls never pass the limit. A worker over its share lowers its semaphore at once and
// records less as its calls end (at each call's end), as does one winding down (its last calls ending), then
// notifies SLOTS_CHANNEL so the short workers take the slots at once. It rebalances when a call has to wait, when
// notified, and every TICK_MS while it holds or wants slots (so a short worker is seen within one tick;
// FAST_TICK_MS while slots change hands). A worker that stops renewing (dead, cut off) has its row ignored STALE_MS
// later: its slots go to the others. A worker cut off from the database keeps the slots it had.
// Only network connections are shared: a `function:` target's concurrency is a limit of each machine.
import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type pg from 'pg';
import type { Semaphore, SlotLender } from '../run/index.js';
import { scrubDatabaseUrl as scrub } from '../store/index.js';
import { notify, SLOTS_CHANNEL } from './queue-signals.js';

const TICK_MS = 100;
/** While slots are changing hands (this worker owed some, or draining above its limit): look this often. */
const FAST_TICK_MS = 20;
const STALE_MS = 6000;

/**
 * The declared limit split over the workers' wants by water-filling: each worker gets min(its want, an even part of
 * what is left), over again until the limit or the wants run out; with fewer slots left than workers, one each in
 * order of id. The same rows give every worker the same shares.
 */
export function fairShares(declared: number, wants: ReadonlyMap<string, number>): Map<string, number> {
  const share = new Map<string, number>();
  let open = [...wants.keys()].filter((id) => wants.get(id)! > 0).sort();
  for (const id of open) share.set(id, 0);
  let left = declared;
  while (left > 0 && open.length > 0) {
    const each = Math.floor(left / open.length);
    if (each === 0) {
      for (const id of open.slice(0, left)) share.set(id, share.get(id)! + 1);
      break;
    }
    const still: string[] = [];
    for (const id of open) {
      const give = Math.min(each, wants.get(id)! - share.get(id)!);
      share.set(id, share.get(id)! + give);
      left -= give;
      if (share.get(id)! < wants.get(id)!) still.push(id);
    }
    open = still;
  }
  return share;
}

interface Connection {
  key: string;
  declared: number;
  slot: Semaphore;
  busy: boolean;
  again: boolean;
  timer: NodeJS.Timeout | undefined;
  /** What this worker should hold by its last look (its fair share while someone is short). */
  due: number;
  /** The slots its row says it holds, as of its last look. */
  recorded: number;
  /** Whether another worker was short at the last look. */
  othersShort: boolean;
}

interface SlotRow {
  worker: string;
  held: number;
  wants: number;
}

export class ProviderSlotLeases implements SlotLender {
  readonly id = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private readonly byKey = new Map<string, Connection>();
  private warned = false;
  private stopped = false;

  /**
   * `pool`: the worker's (queue.ts coordinationPool), ended by it. `ticks`: how often it looks again on its own
   * (tests make them long, so that only the events above act).
   */
  constructor(
    private readonly pool: pg.Pool,
    private readonly url: string,
    private readonly log: (line: string) => void,
    private readonly ticks = { holdingMs: TICK_MS, changingMs: FAST_TICK_MS },
  ) {}

  open(connectionKey: string, declared: number, slot: Semaphore): void {
    if (connectionKey.startsWith('function|')) {
      slot.setLimit(declared); // this machine's own limit
      return;
    }
    // Keyed by a hash: a base URL may carry credentials, and nothing secret goes to the store.
    const key = createHash('sha256').update(connectionKey).digest('hex').slice(0, 32);
    const c: Connection = { key, declared, slot, busy: false, again: false, timer: undefined, due: 0, recorded: 0, othersShort: false };
    this.byKey.set(key, c);
    slot.setLimit(0); // nothing held until the first lease
    slot.onQueued = () => this.rebalance(c);
    // A call ended while another worker waits: its slot is given back now, not at the next tick, when this worker is
    // over its lowered limit, or winding down (its job's last calls: holding clearly more than its calls want). Not
    // for a dip of a slot or two between one call's end and its next item's call, which would hand a slot back and
    // forth at every call.
    slot.onFreed = () => {
      if (!c.othersShort) return;
      const wanted = c.slot.inUse + c.slot.queued;
      const windingDown = wanted === 0 ? c.recorded > 0 : c.recorded - wanted >= Math.max(2, Math.ceil(c.recorded / 10));
      if (c.recorded > Math.max(c.slot.size, c.slot.inUse) || windingDown) this.rebalance(c);
    };
  }

  /** Another worker gave back slots of this connection while someone was short (queue-signals.ts SLOTS_CHANNEL). */
  heard(key: string): void {
    const c = this.byKey.get(key);
    if (c && (c.slot.queued > 0 || c.slot.size < c.due)) this.rebalance(c);
  }

  private rebalance(c: Connection): void {
    if (this.stopped) return;
    if (c.busy) {
      c.again = true;
      return;
    }
    c.busy = true;
    void this.lease(c)
      .catch((error: Error) => this.warn(error))
      .finally(() => {
        c.busy = false;
        if (c.again) {
          c.again = false;
          this.rebalance(c);
          return;
        }
        // Holding or wanting: look again soon (another worker may be short, or slots may have come free); sooner
        // while slots change hands, so neither the slots given back nor the ones taken sit idle for a whole tick.
        const active = c.slot.size > 0 || c.slot.inUse > 0 || c.slot.queued > 0;
        const changing = c.slot.size < c.due || c.slot.inUse > c.slot.size;
        clearTimeout(c.timer);
        c.timer = active && !this.stopped ? setTimeout(() => this.rebalance(c), changing ? this.ticks.changingMs : this.ticks.holdingMs).unref() : undefined;
      });
  }

  private async lease(c: Connection): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`evalspec provider slots ${c.key}`]);
      const { rows } = await client.query<SlotRow>(
        `SELECT worker, held, wants FROM provider_slots WHERE key = $1 AND worker <> $2 AND seen_at > now() - make_interval(secs => $3)`,
        [c.key, this.id, STALE_MS / 1000],
      );
      const inUse = c.slot.inUse;
      const wants = inUse + c.slot.queued;
      const othersHeld = rows.reduce((n, r) => n + r.held, 0);
      const available = Math.max(0, c.declared - othersHeld);
      const othersShort = rows.some((r) => r.wants > r.held);
      const fair = fairShares(c.declared, new Map([...rows.map((r) => [r.worker, r.wants] as const), [this.id, wants]])).get(this.id) ?? 0;
      // Nobody else short: keep what is held (idle slots harm no one) and grow to the want; someone short: the fair share.
      const target = wants === 0 ? 0 : Math.min(available, othersShort ? fair : Math.max(wants, c.slot.size));
      c.due = othersShort ? fair : wants;
      // Lowered at once (the calls over it finish); raised only once the row says so.
      if (target < c.slot.size) c.slot.setLimit(target);
      const held = Math.max(target, inUse);
      if (held === 0 && wants === 0) {
        await client.query('DELETE FROM provider_slots WHERE key = $1 AND worker = $2', [c.key, this.id]);
      } else {
        await client.query(
          `INSERT INTO provider_slots (key, worker, held, wants, seen_at) VALUES ($1, $2, $3, $4, now())
           ON CONFLICT (key, worker) DO UPDATE SET held = EXCLUDED.held, wants = EXCLUDED.wants, seen_at = now()`,
          [c.key, this.id, held, wants],
        );
      }
      await client.query('COMMIT');
      if (target > c.slot.size) c.slot.setLimit(target);
      const gaveBack = held < c.recorded && othersShort;
      c.recorded = held;
      c.othersShort = othersShort;
      // The short workers hear of it at once (each would otherwise see it at its next tick).
      if (gaveBack) await notify(this.pool, SLOTS_CHANNEL, c.key);
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  private warn(error: Error): void {
    if (this.warned) return;
    this.warned = true;
    this.log(`worker: the team store did not answer for the providers' shared concurrency (${scrub(error.message, this.url)}); keeping the slots held`);
  }

  /** Give every slot back (the worker is stopping: its calls are over). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const c of this.byKey.values()) clearTimeout(c.timer);
    await this.pool.query('DELETE FROM provider_slots WHERE worker = $1', [this.id]).catch(() => undefined);
  }
}
