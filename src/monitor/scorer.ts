// Online scoring of production records with the suite's own checks and judges. A record is scored as the output of
// a case whose vars are the record's attributes (plus `input`, the last user message, and `tool_calls`), through
// score/'s prepareChecks / scoreOutput and the user-code pool exactly as run/ scores offline results: javascript
// checks run in workers with their deadline (a hung one is a check-error, the score's status `error`), judges ask
// run/'s judge client (same cache, same prices). A record the checks cannot score is `unscored` with the reason
// (no output, a missing template variable, the monitor's daily judge spend cap), never dropped.
import { EvalspecError, EXIT, isEvalspecError } from '../errors.js';
import { createJudgeClient, type JudgeClientOptions, type RunJudgeClient } from '../run/index.js';
import { scoreOutput, type CheckResult, type ScoredOutput } from '../score/index.js';
import type { ProductionCheckOutcome, ProductionRecord, ProductionScore, ProductionStore, Store } from '../store/index.js';
import type { MonitorSpec, Suite } from '../suite/index.js';
import { DailySpend, type Admission } from './daily-spend.js';
import { compileMonitor, judgeModelsOfSpecs, monitorCheckSpecs, type CompiledMonitor } from './compile.js';
import { recordVars } from './record-vars.js';
import { refusalMetric } from './refusal.js';

export interface ProductionScorerOptions extends Pick<JudgeClientOptions, 'cache' | 'retries' | 'timeoutMs' | 'signal' | 'pricer' | 'warnings' | 'rateLimits'> {
  suite: Suite;
  /** The judge cache (like offline runs) and, once it has one, `production.judgeSpend` for the daily cap. */
  store?: Store & { production?: Pick<ProductionStore, 'judgeSpend'> };
  /**
   * USD the monitor's judges spent on scores stored at or after `since` (ISO). Default: the store's
   * `production.judgeSpend(suite, monitor, since)`, else 0 (nothing stored yet).
   */
  judgeSpend?: (monitor: string, since: string) => Promise<number>;
  /** Run javascript checks isolated (as `--isolate-checks` offline; module checks are then refused). */
  isolateChecks?: boolean;
  /** Records scored at once (default 4); near a spend cap, records wait for those in flight (daily-spend.ts). */
  concurrency?: number;
  /** The clock (tests). */
  now?: () => Date;
}

export interface ProductionScorer {
  /**
   * Scores the records for one monitor, one score per record in the records' order. Rejects (and returns nothing of
   * the batch) when a judge provider refuses its key (PROVIDER_AUTH, exit 4) or `signal` is aborted (exit 130).
   */
  score(records: ProductionRecord[], monitorName: string): Promise<ProductionScore[]>;
  /** The judge client's notes (an unpriced judge model, …). */
  readonly warnings: string[];
}

/** Midnight UTC of the day of `now`, as ISO 8601: the start of a `max_cost_per_day` day. */
export function startOfUtcDay(now: Date): string {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate())).toISOString();
}

const usd = (n: number) => `$${n.toFixed(4)}`;

export async function createProductionScorer(options: ProductionScorerOptions): Promise<ProductionScorer> {
  const { suite, store } = options;
  const now = options.now ?? (() => new Date());
  const warnings = options.warnings ?? [];
  const judgeSpend =
    options.judgeSpend ?? (store?.production ? (monitor: string, since: string) => store.production!.judgeSpend(suite.name, monitor, since) : async () => 0);
  // Every judge of every monitor resolved now, so a missing key or unknown provider fails before the first record.
  // A refused judge key: every record would become a judge-error and be completed as such, so the batch fails instead.
  let fatal: EvalspecError | undefined;
  const judgeModels = judgeModelsOfSpecs(suite.monitors.flatMap((m) => monitorCheckSpecs(suite, m)));
  const judge: RunJudgeClient | undefined = judgeModels.length
    ? await createJudgeClient(suite, judgeModels, {
        store,
        cache: options.cache,
        retries: options.retries,
        timeoutMs: options.timeoutMs,
        signal: options.signal,
        pricer: options.pricer,
        warnings,
        rateLimits: options.rateLimits,
        onFatal: (error) => (fatal ??= error),
      })
    : undefined;
  const compiled = new Map<string, Promise<CompiledMonitor>>();
  const uncounted = new Set<string>();
  /** A judge without a known price costs an unknown amount: the cap cannot count it, which the user must hear. */
  const warnUncounted = (name: string) => {
    if (uncounted.has(name)) return;
    uncounted.add(name);
    warnings.push(
      `monitor "${name}": a judge of its checks has no known price, so max_cost_per_day cannot count its calls; give the judge a price (judge: { id: …, price: {...} })`,
    );
  };

  function monitorNamed(name: string): MonitorSpec {
    const monitor = suite.monitors.find((m) => m.name === name);
    if (!monitor) {
      throw new EvalspecError('USAGE', `suite "${suite.name}" has no monitor "${name}"`, {
        file: suite.file,
        hint: suite.monitors.length ? `its monitors: ${suite.monitors.map((m) => m.name).join(', ')}` : 'add one under monitors: in the suite',
      });
    }
    return monitor;
  }

  async function score(records: ProductionRecord[], monitorName: string): Promise<ProductionScore[]> {
    const monitor = monitorNamed(monitorName);
    let entry = compiled.get(monitor.name);
    if (!entry) compiled.set(monitor.name, (entry = compileMonitor(suite, monitor, { isolated: options.isolateChecks })));
    const checks = await entry;
    const cap = checks.judgeModels.length > 0 ? monitor.max_cost_per_day : undefined;
    // One DailySpend per UTC day the batch touches (daily-spend.ts).
    const spend = new Map<string, DailySpend>();
    const dayOf = (day: string, limit: number) => {
      let s = spend.get(day);
      if (!s) spend.set(day, (s = new DailySpend(judgeSpend(monitor.name, day), limit)));
      return s;
    };

    async function scoreRecord(record: ProductionRecord): Promise<ProductionScore> {
      const at = now();
      const base = { recordId: record.id, monitor: monitor.name, scoredAt: at.toISOString(), metrics: { refusal: refusalMetric(record.output) } };
      const unscored = (reason: string): ProductionScore => ({
        ...base,
        status: 'unscored',
        reason,
        passed: null,
        criticalFailed: null,
        checks: [],
        judgeCostUsd: null,
      });
      if (record.output === null) return unscored('no output');
      // The vars are built only when something reads them (a templated check, a javascript check, a judge's
      // context_var): the built-in text checks do not, and building them was a twentieth of a record's CPU.
      let vars: Record<string, unknown> | undefined;
      const varsOf = () => (vars ??= recordVars(record));
      let prepared;
      try {
        prepared = await checks.prepare(checks.templated ? varsOf() : {});
      } catch (error) {
        if (isEvalspecError(error)) return unscored(error.message);
        throw error;
      }
      let admitted: Extract<Admission, { settle: unknown }> | undefined;
      if (cap !== undefined) {
        const since = startOfUtcDay(at);
        const admission = await dayOf(since, cap).admit();
        if ('reached' in admission) return unscored(`max_cost_per_day ${usd(cap)} reached: judges spent ${usd(admission.reached)} since ${since}`);
        admitted = admission;
      }
      let scored: ScoredOutput;
      try {
        scored = await scoreOutput(prepared, {
          output: record.output,
          get vars() {
            return varsOf();
          },
          caseId: record.id,
          latencyMs: record.latencyMs ?? undefined,
          costUsd: record.costUsd ?? undefined,
          baseDir: suite.dir,
          judge,
          messages: record.input ?? undefined,
        });
        admitted?.settle(judgeCostOf(scored.checks));
      } finally {
        // When scoring threw: records waiting on this one's cost must go on (a second settle does nothing).
        admitted?.settle(null);
      }
      const judgeCostUsd = judgeCostOf(scored.checks);
      if (cap !== undefined && scored.checks.some((c) => c.judgeCostUsd === null)) warnUncounted(monitor.name);
      const outcomes = scored.checks.map(outcomeOf);
      // A check that did not run to a verdict (its code hung, the judge's answer was unusable twice) judged nothing.
      const broken = scored.checks.find((c) => c.error !== undefined);
      if (broken) {
        return {
          ...base,
          status: 'error',
          reason: `${broken.error}: ${broken.metric}: ${broken.reason}`,
          passed: null,
          criticalFailed: null,
          checks: outcomes,
          judgeCostUsd,
        };
      }
      return {
        ...base,
        status: 'scored',
        reason: null,
        passed: scored.pass,
        criticalFailed: scored.checks.some((c) => c.severity === 'critical' && !c.pass),
        checks: outcomes,
        judgeCostUsd,
      };
    }

    const out: ProductionScore[] = new Array(records.length);
    let next = 0;
    const workers = Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 4, records.length)) }, async () => {
      while (next < records.length && !fatal && !options.signal?.aborted) {
        const i = next++;
        out[i] = await scoreRecord(records[i]);
      }
    });
    await Promise.all(workers);
    // Nothing of a stopped batch is returned: its records would carry errors the judges never gave. The scorer loop
    // completes none of them, and their claims expire and are claimed again.
    if (fatal) throw fatal;
    if (options.signal?.aborted) {
      throw new EvalspecError('USAGE', `scoring for monitor "${monitor.name}" was cancelled`, {
        exitCode: EXIT.cancelled,
        hint: 'nothing of this batch was scored: its records are scored when the scorer runs again',
      });
    }
    return out;
  }

  return { score, warnings };
}

/** What the judges of one score cost: null when no judge ran or a judge's cost is unknown (an unpriced model). */
function judgeCostOf(checks: CheckResult[]): number | null {
  let total: number | null = null;
  for (const c of checks) {
    if (c.judgeCostUsd === undefined) continue;
    if (c.judgeCostUsd === null) return null;
    total = (total ?? 0) + c.judgeCostUsd;
  }
  return total;
}

function outcomeOf(c: CheckResult): ProductionCheckOutcome {
  return {
    name: c.metric,
    type: c.type,
    // An indeterminate check (its code threw, a figure it needs is unknown) fails the record, as offline, but
    // its own verdict is unknown.
    passed: c.indeterminate ? null : c.pass,
    score: c.indeterminate ? null : c.score,
    severity: c.severity === 'critical' ? 'critical' : 'normal',
    reason: c.reason,
  };
}
