// executeRun: take a plan, call every (case, variant, repeat) with bounded concurrency, retries, cache and
// timeouts, score each output and stream the results to the store as they finish.
import { setMaxListeners } from 'node:events';
import { EvalspecError, EXIT } from '../errors.js';
import { repeatMajorItems, type Plan, type WorkItem } from '../plan/index.js';
import { scoreOutput, type Transcript } from '../score/index.js';
import { PreparedChecksCache, cacheKeyFor, resultRow } from './item-results.js';
import type { ResultRow, RunStatus, CachedResponse } from '../store/index.js';
import { buildTargets, type CallTarget, type CallResponse } from './targets.js';
import type { RetryPolicy } from './errors.js';
import { callWithRetries, ProviderSlots, type CallOutcome } from './call-with-retries.js';
import { ResultWriter } from './result-writer.js';
import { createPricer } from '../pricing/index.js';
import { createBudget, judgeCostOf } from './budget.js';
import { SecretScrubber } from './secrets.js';
import { createRunJudge } from './judge-client.js';
import { applyJudgeOutcome, scoreDeferredChecks, validateDeferredChecks } from './judge-phase.js';
import { routeSdkWarnings } from './sdk-warnings.js';
import { applyCheckErrors } from './check-errors.js';
import type { LeaseHandle } from './lease.js';
import { openRun } from './run-record.js';
import { RateLimits } from './rate-limit/registry.js';
import { countMessageTokens } from './tokens.js';
import { buildSimulatedUserTargets, loadToolModules, runAgentItem, type AgentContext, type AgentRetry } from './agent/index.js';
import { withTurnChecks } from './turn-checks.js';
import { loadReuse, reusedFigures } from './reuse.js';

import type { RunOptions, RunOutcome } from './run-options.js';

export { FORMAT_VERSION, newRunId } from './run-record.js';
export { cacheKeyFor } from './item-results.js';
export type { RunOptions, RunEvent, DistributedRole, ItemGate, RunOutcome } from './run-options.js';

export async function executeRun(plan: Plan, options: RunOptions): Promise<RunOutcome> {
  const held: { lease?: LeaseHandle; restoreSdkWarnings?: () => void } = {};
  try {
    return await runPlan(plan, options, held);
  } finally {
    // After the final status is stored: `runs` never sees a finished process's run as live, nor a live one as dead.
    held.restoreSdkWarnings?.();
    await held.lease?.release();
  }
}

async function runPlan(plan: Plan, options: RunOptions, held: { lease?: LeaseHandle; restoreSdkWarnings?: () => void }): Promise<RunOutcome> {
  const { store, suite } = { store: options.store, suite: plan.suite };
  const warnings = [...suite.warnings];
  held.restoreSdkWarnings = routeSdkWarnings(warnings); // the AI SDK's per-call warnings, once each, into the run's (sdk-warnings.ts)
  const scrubber = new SecretScrubber();
  // One controller per endpoint + key + model, shared by model and judge calls (rate-limit/).
  const rateLimits = options.rateLimits ?? new RateLimits();
  const targets = await buildTargets(suite, suite.models, scrubber, warnings, rateLimits);
  const simulatedUsers = await buildSimulatedUserTargets(suite, plan.simulatedUsers, (models) => buildTargets(suite, models, scrubber, warnings, rateLimits));
  // Judge checks: their models resolved (keys checked) before anything is stored; see judge-client.ts.
  validateDeferredChecks(plan);
  // Function tools' modules loaded (exports checked) before anything is stored: a broken module is the suite's error.
  const toolModules = suite.tools.length > 0 ? await loadToolModules(suite) : new Map();
  const pricer = createPricer();
  // One budget for model and judge calls (budget.ts): judges reserve through the judge client's hook.
  const budget = options.maxCostUsd === undefined ? undefined : createBudget(plan, pricer, options.maxCostUsd, options.expectedOutputTokens);
  const judge = await createRunJudge(plan, {
    store,
    cache: options.cache !== false,
    scrubber,
    warnings,
    signal: options.signal,
    budget,
    rateLimits,
    onFatal: (e) => ((fatal ??= e), stop.abort()),
  });
  const useCache = options.cache !== false;
  // Before the run is created: an unknown run to reuse from is the caller's error, with nothing stored.
  const reuse = options.reuseFrom && options.distributed?.role !== 'part' ? await loadReuse(store, options.reuseFrom, plan) : undefined;

  // Start a new run, or reopen one to finish it; either way this process holds the run's lease until it ends.
  const onLeaseLost = (error: EvalspecError) => {
    fatal ??= error;
    stop.abort();
  };
  const part = options.distributed?.role === 'part' ? options.distributed : undefined;
  const partCases = part ? plan.cases.slice(part.caseFrom, part.caseTo) : [];
  const { runId, done } = part
    ? {
        runId: part.runId,
        done: await store.results.storedKeys(
          part.runId,
          partCases.map((c) => c.case.id),
        ),
      }
    : await openRun(plan, options, warnings, held, onLeaseLost);
  options.onEvent?.({ type: 'run-start', runId, totalCalls: plan.totalCalls, alreadyDone: done.size });

  const writer = new ResultWriter(store);
  const prepared = new PreparedChecksCache(suite.dir, options.isolateChecks ?? false);
  const runLimit = options.concurrency ?? suite.concurrency;
  const slots = options.slots ?? new ProviderSlots();
  const policy: RetryPolicy = suite.retries;
  const stop = new AbortController(); // stops taking new work (fatal error or cancel)
  const cancel = options.signal;
  // Every call waiting out a 429 listens to both (concurrency.ts sleep): many at once is normal, not a leak.
  setMaxListeners(0, stop.signal, ...(cancel ? [cancel] : []));
  const onCancel = () => stop.abort(); // callWithRetries aborts the calls in flight
  cancel?.addEventListener('abort', onCancel, { once: true });

  const counts = { skipped: done.size, called: 0, cached: 0, reused: 0, errors: 0 };
  let finished = done.size;
  let spentUsd = 0;
  let fatal: EvalspecError | undefined;

  /** What every call of an item through run/'s one retry loop (call-with-retries.ts) shares: model call or agent step. */
  function retryFor(target: CallTarget, item: WorkItem): AgentRetry {
    const { caseId, variantId } = item;
    return {
      policy,
      timeoutMs: target.timeoutMs ?? suite.timeoutMs,
      slot: slots.get(target.connectionKey, target.concurrency),
      cancel,
      stop: stop.signal,
      scrubber,
      onRetry: ({ attempt, error, delayMs }) => options.onEvent?.({ type: 'call-retry', caseId, variantId, attempt, errorClass: error.errorClass, delayMs }),
    };
  }

  // Streamed calls (issue #20): network targets read the answer as it arrives (stream-call.ts); function and replay
  // targets, agents' steps and judges are not streamed. After a `call-retry` event the next deltas start the text again.
  const stream = options.stream ?? suite.stream;
  const onEvent = options.onEvent;
  const deltaSink = (item: WorkItem) =>
    stream && onEvent
      ? (text: string) => onEvent({ type: 'call-delta', caseId: item.caseId, variantId: item.variantId, repeat: item.repeat, text })
      : undefined;

  /** The target's call through run/'s one retry loop. */
  function callTarget(target: CallTarget, item: WorkItem): Promise<CallOutcome<CallResponse>> {
    const { caseId, repeat, messages } = item;
    const onDelta = deltaSink(item);
    const request = { caseId, repeat, vars: item.planned.case.vars, messages, params: item.variant.model.params, stream, onDelta };
    return callWithRetries(({ signal }) => target.call({ ...request, signal }), {
      ...retryFor(target, item),
      rate: target.rateController && {
        controller: target.rateController,
        promptTokens: () => countMessageTokens(messages),
        maxOutputTokens: item.variant.model.params.max_tokens,
        usage: (response) => ({ input: response.inputTokens, output: response.outputTokens }),
      },
    });
  }

  // A network model with tools declared runs as an agent (run/agent/), each model step through the retries, the
  // rate controller, the slot and a cache of its own. The whole-call cache is not used for it: a whole-conversation
  // entry would skip the tools, which a rerun runs again (their steps replayed from the cache).
  const agents: AgentContext = {
    suite,
    modules: toolModules,
    retryFor,
    cache: useCache ? { get: (key) => store.cache.get(key), put: (key, response) => writer.addCache(key, response) } : undefined,
    price: (model, input, output, cachedInput) => pricer.cost(model, input, output, cachedInput),
    cancel,
    simulatedUsers,
  };

  /** The item's checks on one output (from the cache or from the call). */
  async function score(item: WorkItem, output: string, latencyMs: number | undefined, costUsd: number | undefined, transcript: Transcript | undefined) {
    const context = {
      output,
      vars: item.planned.case.vars,
      caseId: item.caseId,
      latencyMs,
      costUsd,
      baseDir: suite.dir,
      judge,
      messages: item.messages,
      transcript,
    };
    const threshold = item.planned.case.threshold;
    const whole = await scoreOutput(await prepared.get(item), context, { threshold });
    const turns = item.planned.case.turns && item.planned.conversation?.turns; // a scripted conversation: its turns' checks too
    if (!turns) return whole;
    return withTurnChecks(
      whole,
      turns,
      transcript,
      (turn, specs) => prepared.get(item, { turn, specs }),
      (checks, turnOutput, upTo) => scoreOutput(checks, { ...context, output: turnOutput, transcript: upTo }),
      threshold,
    );
  }

  async function processItem(item: WorkItem): Promise<void> {
    const target = targets.get(item.variant.model.label)!;
    const conversation = item.planned.case.turns !== undefined || item.planned.case.simulatedUser !== undefined;
    const agent = target.languageModel !== undefined && (suite.tools.length > 0 || conversation);
    const cacheKey = useCache && target.cacheIdentity && !agent ? cacheKeyFor(target.cacheIdentity, item) : undefined;
    // A stored result of the run reused from (same case, model, params, messages, repeat) before the cache; not for a
    // function: or replay: target (its code or log may have changed) nor an agent (its tools may have).
    const reused = reuse && target.cacheIdentity && !agent ? reuse.take(item) : undefined;
    let cachedResponse: CachedResponse | undefined;
    if (cacheKey && !reused) cachedResponse = await store.cache.get(cacheKey);

    let row: ResultRow;
    let cacheEntry: { key: string; response: CachedResponse } | undefined;
    if (reused) {
      counts.reused++;
      // Scored with the current checks; a cost check sees what the call cost at list price (the stored row may be a cache hit's 0).
      const listCost = pricer.cost(item.variant.model, reused.inputTokens ?? undefined, reused.outputTokens ?? undefined);
      const scored = await score(item, reused.output!, reused.latencyMs ?? undefined, listCost, reused.transcript);
      row = resultRow(runId, item, reused.output, scored, reusedFigures(reused), reused.transcript);
      budget?.noteJudging(item.variantId, judgeCostOf(row.checks));
    } else if (cachedResponse) {
      counts.cached++;
      const scored = await score(
        item,
        cachedResponse.text,
        cachedResponse.latencyMs ?? undefined,
        cachedResponse.costUsd ?? undefined,
        cachedResponse.transcript,
      );
      row = resultRow(
        runId,
        item,
        cachedResponse.text,
        scored,
        {
          cached: true,
          latencyMs: cachedResponse.latencyMs,
          inputTokens: cachedResponse.inputTokens,
          outputTokens: cachedResponse.outputTokens,
          costUsd: 0,
          attempts: 0,
          ttftMs: null, // nothing streamed: a cache hit has no first token
        },
        cachedResponse.transcript,
      ); // costUsd 0: served from the cache, this run paid nothing
      budget?.noteJudging(item.variantId, judgeCostOf(row.checks));
    } else {
      const reservation = budget?.reserve(item);
      if (reservation === null) return; // over the budget: not started, not stored; a resume runs it
      // An agent's steps are admitted one by one against the budget, and it settles at what they cost (budget.ts).
      const gate = agent && reservation ? budget!.stepGate(reservation, item) : undefined;
      const outcome = agent ? await runAgentItem(agents, target, item, gate) : await callTarget(target, item);
      budget?.releaseJudgeHold(reservation ?? undefined); // the judges reserve their own calls now
      if (!outcome.ok && outcome.error.errorClass === 'cancelled') {
        budget?.settle(reservation ?? undefined, gate ? gate.paidUsd : null);
        if (gate) spentUsd += gate.paidUsd; // steps paid before the budget (or Ctrl-C) stopped it
        return; // not stored: a resume runs it again (its paid steps from the cache)
      }
      if (outcome.ok && outcome.value.cached) counts.cached++;
      else counts.called++;
      if (!outcome.ok) {
        counts.errors++;
        if (outcome.error.errorClass === 'auth' && !fatal) {
          fatal = new EvalspecError('PROVIDER_AUTH', `provider "${item.variant.model.providerId}" refused the API key (${outcome.error.message})`, {
            file: suite.file,
            exitCode: EXIT.auth,
            hint: `check the key in the environment variable this provider reads (providers.${item.variant.model.providerId}.apiKey); finished results are stored: fix the key and run \`evalspec run --resume ${runId}\``,
          });
          stop.abort();
        }
        row = resultRow(runId, item, null, null, {
          cached: false,
          latencyMs: null,
          inputTokens: null,
          outputTokens: null,
          costUsd: null,
          attempts: outcome.attempts,
          error: outcome.error,
        });
      } else {
        const response = outcome.value;
        const latencyMs = response.latencyMs ?? (target.measuresLatency ? outcome.latencyMs : undefined);
        const cost = response.costUsd ?? pricer.cost(item.variant.model, response.inputTokens, response.outputTokens, response.cachedInputTokens);
        // An agent whose steps were partly cached paid less than its conversation costs (what a cost check sees).
        const paid = response.paidCostUsd !== undefined ? (response.paidCostUsd ?? undefined) : cost;
        if (paid !== undefined) spentUsd += paid;
        const scored = await score(item, response.text, latencyMs, cost, response.transcript);
        row = resultRow(
          runId,
          item,
          response.text,
          scored,
          {
            cached: response.cached ?? false,
            latencyMs: latencyMs ?? null,
            inputTokens: response.inputTokens ?? null,
            outputTokens: response.outputTokens ?? null,
            costUsd: paid ?? null,
            attempts: outcome.attempts,
            // Only a measured call's: a replayed log's (or a cached agent's) time to first token is not ours to know.
            ttftMs: target.measuresLatency && response.latencyMs === undefined && !response.cached ? (response.ttftMs ?? null) : null,
          },
          response.transcript,
        );
        if (cacheKey) {
          cacheEntry = {
            key: cacheKey,
            response: {
              text: response.text,
              inputTokens: response.inputTokens ?? null,
              outputTokens: response.outputTokens ?? null,
              latencyMs: latencyMs ?? null,
              costUsd: cost ?? null,
              finishReason: response.finishReason ?? null,
              ...(response.transcript ? { transcript: response.transcript } : {}),
            },
          };
        }
      }
      // An agent's paid steps count even when a later step failed (the row's cost is then unknown); a simulated
      // user's calls are counted when the conversation settles (they are not admitted one by one).
      const userPaid = (outcome.ok && outcome.value.transcript?.simulatedUser?.paidCostUsd) || 0;
      budget?.settle(reservation ?? undefined, gate ? gate.paidUsd + userPaid : row.costUsd, gate ? undefined : row.outputTokens);
      budget?.noteJudging(item.variantId, judgeCostOf(row.checks));
    }
    if (applyCheckErrors(row)) counts.errors++; // a check that hung: the result is a check-error
    if (judge) {
      const j = applyJudgeOutcome(row); // an unusable judge answer makes the result a judge-error
      if (j.judgeError) counts.errors++;
      spentUsd += j.judgeCostUsd;
    }
    writer.add(row, cacheEntry);
    finished++;
    options.onEvent?.({ type: 'call-end', row, done: finished, total: plan.totalCalls, errors: counts.errors, spentUsd });
  }

  // A fixed pool of workers pulling from one iterator: memory stays flat whatever the number of cases. It reads the
  // cases file as it goes, so it is closed however the run ends (finally below).
  const iterator = (part ? repeatMajorItems(plan.variants, partCases, part.repeat, part.repeat + 1) : plan.items())[Symbol.iterator]();
  const gate = options.itemSlots;
  const taking = () => !stop.signal.aborted && !budget?.stopped && !options.drain?.aborted;
  async function worker(): Promise<void> {
    while (taking()) {
      if (gate) await gate.acquire();
      try {
        if (!taking()) return; // stopped while waiting for the process's slot
        let next = iterator.next();
        while (!next.done && done.has(next.value.key)) next = iterator.next();
        if (next.done) return void (exhausted = true);
        await processItem(next.value);
      } finally {
        gate?.release();
      }
    }
  }
  let storeFailure: unknown;
  let exhausted = false; // every item taken (a drained part is not done)
  // The progress line says when a provider throttles the run (every second, only for the models it throttles).
  const throttleTimer = options.onEvent
    ? setInterval(() => {
        for (const c of rateLimits.all()) if (c.throttled) options.onEvent?.({ type: 'rate-limited', model: c.model, ...c.pace() });
      }, 1000).unref()
    : undefined;
  try {
    const coordinate = options.distributed?.role === 'coordinate' ? options.distributed : undefined;
    // A distributed run's --max-cost is spent by its workers (distribute/shared-cost.ts): counted here too.
    if (coordinate) await coordinate.execute(runId, stop.signal).then((shared) => shared && budget?.spentElsewhere(shared.spentUsd, shared.stopped));
    else await Promise.all(Array.from({ length: Math.min(runLimit, Math.max(1, plan.totalCalls)) }, worker));
  } finally {
    iterator.return?.();
    clearInterval(throttleTimer);
    cancel?.removeEventListener('abort', onCancel);
    try {
      await writer.flush();
    } catch (error) {
      storeFailure = error;
    }
  }
  // Second phase: pairwise checks against another variant, over the stored results (judge-phase.ts).
  // Not after a budget stop: every judge call would be refused, turning scored results into judge-errors.
  if (judge && !part && !storeFailure && !stop.signal.aborted && !budget?.stopped) {
    try {
      await scoreDeferredChecks(plan, runId, { store, judge, concurrency: runLimit, signal: stop.signal });
    } catch (error) {
      storeFailure = error;
    }
  }
  // This process's rate-limit figures, with the run: `show` and a distributed run's report (summed over workers) read them.
  const figures = rateLimits.figures();
  if (figures.length > 0 && !storeFailure) {
    await store.rateLimits
      .put(runId, rateLimits.source, figures)
      .catch((error: Error) => warnings.push(`the rate-limit figures were not stored: ${error.message}`));
  }
  if (storeFailure) {
    fatal = new EvalspecError('STORE', `writing results failed: ${(storeFailure as Error).message}`, { exitCode: EXIT.incomplete, cause: storeFailure });
  }
  if (part) {
    // A job's warnings (the AI SDK's, met at its calls) are the run's: stored once however many jobs meet them.
    await store.runs.addWarnings(runId, warnings);
    // A job's outcome: the job is done when every item was stored (fatal or stopped: pg-boss retries it).
    const status: RunStatus = cancel?.aborted ? 'cancelled' : fatal || budget?.stopped || !exhausted ? 'incomplete' : 'completed';
    return { runId, status, fatal, warnings, counts, budget: budget?.summary(), rateLimits: figures };
  }

  const { results: stored, errors: errorsLeft } = await store.results.count(runId);
  const status: RunStatus = cancel?.aborted ? 'cancelled' : fatal || budget?.stopped || errorsLeft > 0 || stored < plan.totalCalls ? 'incomplete' : 'completed';
  // Warnings that arose during the run (AI SDK warnings, unpriced judges, …): stored with it, so `show`, `gate`
  // and the viewer list them later, not only this invocation's reports.
  await store.runs.addWarnings(runId, warnings);
  await store.runs.setStatus(runId, status, new Date().toISOString());
  options.onEvent?.({ type: 'run-end', runId, status });
  return { runId, status, fatal, warnings, counts, budget: budget?.summary(), rateLimits: figures };
}
