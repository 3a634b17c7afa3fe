// "Run on the full suite" (POST /api/playground/full-runs): a normal run of the suite file for one model × prompt
// against the stored run (runSuite's `against`: its cases, its other variants' results reused), streamed, within
// what is left of the session's spend cap. Progress events as calls end; the run is an ordinary stored run.
import { runSuite } from '../pipeline.js';
import type { Store } from '../store/index.js';
import type { FullRunEvent, FullRunRequest, PlaygroundSpend } from '../viewer/index.js';
import { storedRun } from './run-info.js';

export interface FullRunContext {
  store: Store;
  spend: () => PlaygroundSpend;
  paid: (usd: number) => void;
  scrub: (text: string) => string;
}

export async function runFullSuite(context: FullRunContext, request: FullRunRequest, emit: (event: FullRunEvent) => void, signal: AbortSignal): Promise<void> {
  const run = await storedRun(context.store, request.runId);
  const spend = context.spend();
  const remaining = spend.capUsd - spend.spentUsd;
  if (remaining <= 0) {
    emit({
      type: 'error',
      code: 'SPEND_CAP',
      message: `this session spent its $${spend.capUsd} cap`,
      hint: 'restart the viewer with a higher --playground-max-cost, or run `evalspec run` in a terminal',
    });
    return;
  }
  let spent = 0;
  let result;
  try {
    result = await runSuite(run.suiteFile, {
      store: context.store,
      models: [request.model],
      prompts: [request.promptId],
      against: run.id,
      stream: true,
      maxCostUsd: remaining,
      signal,
      onEvent: (event) => {
        if (event.type === 'run-start') emit({ type: 'start', runId: event.runId, totalCalls: event.totalCalls });
        else if (event.type === 'call-end') {
          spent = event.spentUsd;
          emit({ type: 'progress', done: event.done, total: event.total, errors: event.errors, spentUsd: event.spentUsd });
        }
      },
    });
  } finally {
    // What the calls made so far cost counts even when the run failed part-way.
    context.paid(result?.outcome.budget?.spentUsd ?? spent);
  }
  const { outcome, exitCode } = result;
  if (outcome.fatal) emit({ type: 'error', code: outcome.fatal.code, message: context.scrub(outcome.fatal.message), hint: outcome.fatal.hint ?? null });
  emit({ type: 'end', runId: outcome.runId, status: outcome.status, exitCode, spend: context.spend() });
}
