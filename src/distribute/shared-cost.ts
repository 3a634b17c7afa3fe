// `run --distributed --max-cost`: one spending cap for the whole run, however many workers call (issue #14). The
// cap lives in a run_budgets row of the team store. A worker never spends from it directly: before a job it leases
// what the job's calls are estimated to cost (budget.ts's reservation per call, summed, with a margin for judges),
// runs the job inside that allowance with the ordinary in-memory budget (which stops before a call that would pass
// it), then gives back what it did not spend and adds what it did. A lease is one UPDATE under the row's lock, and
// grants at most what the cap still holds, so the workers together are never granted more than the cap: spend
// passes it only by what in-flight calls cost beyond their reservation, as in one process (none with max_tokens).
// A lease too small for the job's dearest call is given back at once and asked again a moment later (others' leases
// come back as their jobs end; the jitter keeps two jobs from splitting the last scraps for ever). When what is not
// spent of the cap cannot pay the job's cheapest call, the cap is spent: the row is marked stopped, every worker
// finishes its jobs without new calls, and the run ends incomplete (exit 3), `--resume` continuing it. A worker that
// dies holding a lease takes that allowance with it (the others wait for it at most LEASE_WAIT_MS): the run may
// stop early, never late.
import type pg from 'pg';
import { EvalspecError } from '../errors.js';
import { scrubDatabaseUrl as scrub } from '../store/index.js';
import type { BudgetSummary } from '../run/index.js';

/** The row's state: the cap, what settled calls cost over every worker, whether a short lease stopped the run. */
export interface SharedCostState {
  maxUsd: number;
  spentUsd: number;
  grantedUsd: number;
  stopped: boolean;
}

// The grant is decided and added in one statement under the row's lock (FOR UPDATE): two workers never share it.
const LEASE_SQL = `
WITH b AS (
  SELECT run_id, LEAST($2::double precision, GREATEST(0, max_usd - granted_usd)) AS grant_usd
  FROM run_budgets WHERE run_id = $1 AND NOT stopped FOR UPDATE
)
UPDATE run_budgets r SET granted_usd = r.granted_usd + b.grant_usd FROM b WHERE r.run_id = b.run_id
RETURNING b.grant_usd, r.granted_usd - b.grant_usd - r.spent_usd AS held_usd, r.max_usd - r.spent_usd AS unspent_usd`;

export class PgCostBudget {
  /** `pool`: the caller's (queue.ts coordinationPool), ended by it; `url` names the store in errors, scrubbed. */
  constructor(
    private readonly pool: pg.Pool,
    private readonly url: string,
  ) {}

  private async query<T extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<T[]> {
    try {
      return (await this.pool.query<T>(text, values)).rows;
    } catch (error) {
      throw new EvalspecError('STORE', `the shared --max-cost budget failed: ${scrub((error as Error).message, this.url)}`, { cause: error });
    }
  }

  /** The run's cap (kept when the row exists: an attached coordinator keeps the budget the run started with). */
  async open(runId: string, maxUsd: number): Promise<void> {
    await this.query('INSERT INTO run_budgets (run_id, max_usd) VALUES ($1, $2) ON CONFLICT (run_id) DO NOTHING', [runId, maxUsd]);
  }

  /**
   * Up to `askUsd` of the cap, for one job's calls: what was granted, what other jobs hold unsettled, and what of the
   * cap is not spent yet (held leases included: they may come back). All 0 once the run is stopped.
   */
  async lease(runId: string, askUsd: number): Promise<{ grantedUsd: number; heldUsd: number; unspentUsd: number }> {
    const rows = await this.query<{ grant_usd: number; held_usd: number; unspent_usd: number }>(LEASE_SQL, [runId, askUsd]);
    if (!rows.length) return { grantedUsd: 0, heldUsd: 0, unspentUsd: 0 };
    const r = rows[0];
    return { grantedUsd: Number(r.grant_usd), heldUsd: Math.max(0, Number(r.held_usd)), unspentUsd: Math.max(0, Number(r.unspent_usd)) };
  }

  /** A job is done with its lease: what it did not spend goes back (an overshoot is taken from the cap), its spend is added. */
  async settle(runId: string, leasedUsd: number, spentUsd: number): Promise<void> {
    await this.query('UPDATE run_budgets SET granted_usd = granted_usd - $2, spent_usd = spent_usd + $3 WHERE run_id = $1', [
      runId,
      leasedUsd - spentUsd,
      spentUsd,
    ]);
  }

  /** The cap is spent: no worker starts another call of this run. */
  async stop(runId: string): Promise<void> {
    await this.query('UPDATE run_budgets SET stopped = true WHERE run_id = $1', [runId]);
  }

  /** The run's budget, or undefined for a run without --max-cost. */
  async state(runId: string): Promise<SharedCostState | undefined> {
    const rows = await this.query<{ max_usd: number; spent_usd: number; granted_usd: number; stopped: boolean }>(
      'SELECT max_usd, spent_usd, granted_usd, stopped FROM run_budgets WHERE run_id = $1',
      [runId],
    );
    if (!rows.length) return undefined;
    const r = rows[0];
    return { maxUsd: Number(r.max_usd), spentUsd: Number(r.spent_usd), grantedUsd: Number(r.granted_usd), stopped: r.stopped };
  }
}

/** The run's budget as the run's outcome reports it (BudgetSummary: the CLI's "budget reached" line). */
export function sharedSummary(state: SharedCostState): BudgetSummary {
  return { maxCostUsd: state.maxUsd, spentUsd: state.spentUsd, stopped: state.stopped };
}
