// createPlayground: the PlaygroundService the viewer's routes call (`view --playground`; cli/commands/view.ts hands
// it to startViewer). Provider keys stay in this process: the browser names models by label or ref only, the calls
// are made here with the suite's provider settings, and every message sent out has the known secrets blanked.
import { EvalspecError } from '../errors.js';
import { SecretScrubber } from '../run/index.js';
import type { Store } from '../store/index.js';
import type { FullRunEvent, PlaygroundService, TrialEvent } from '../viewer/index.js';
import { runFullSuite } from './full-run.js';
import { runInfo } from './run-info.js';
import { savePrompt } from './save-prompt.js';
import { SessionLedger } from './sessions.js';
import { sliceRun } from './slice.js';
import { estimateTrial, runTrial } from './trial.js';

export const DEFAULT_MAX_COST_USD = 5;
export const DEFAULT_MAX_TRIAL_CASES = 100;

export interface PlaygroundOptions {
  /** Opened for writing: trials and full runs are stored runs. */
  store: Store;
  /** Per session: what its trials and full runs may spend in all (USD; `view --playground-max-cost`, default 5). */
  maxCostUsd?: number;
  /** The largest trial, in cases × repeats (default 100). */
  maxTrialCases?: number;
  /** Where the keys come from (default process.env): values of variables named like keys, tokens or secrets are blanked. */
  env?: NodeJS.ProcessEnv;
}

const SECRET_NAME = /KEY|TOKEN|SECRET|PASSWORD|CREDENTIAL/i;

export function createPlayground(options: PlaygroundOptions): PlaygroundService {
  const { store } = options;
  const maxTrialCases = options.maxTrialCases ?? DEFAULT_MAX_TRIAL_CASES;
  const ledger = new SessionLedger(options.maxCostUsd ?? DEFAULT_MAX_COST_USD);
  const scrubber = new SecretScrubber();
  for (const [name, value] of Object.entries(options.env ?? process.env)) if (SECRET_NAME.test(name)) scrubber.add(value);
  const scrub = (text: string) => scrubber.scrub(text);
  const running = new Set<{ abort: AbortController; done: Promise<void> }>();

  /** An error on its way to the browser: its message and fix without a secret in them. */
  const scrubbed = (error: unknown): unknown => {
    if (!(error instanceof EvalspecError)) return error;
    return new EvalspecError(error.code, scrub(error.message), {
      hint: error.hint === undefined ? undefined : scrub(error.hint),
      exitCode: error.exitCode,
      ...error.location,
    });
  };
  const guard = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw scrubbed(error);
    }
  };

  /** One trial or full run per session at a time, aborted by the client going away or by close(). */
  const exclusive = async <E extends TrialEvent | FullRunEvent>(
    session: string,
    emit: (event: E) => void,
    signal: AbortSignal,
    work: (paid: (usd: number) => void, signal: AbortSignal) => Promise<void>,
  ): Promise<void> => {
    if (!ledger.begin(session)) {
      emit({ type: 'error', code: 'BUSY', message: 'this session is running a trial or a full run already', hint: 'wait for it to end' } as E);
      return;
    }
    const abort = new AbortController();
    const stop = () => abort.abort();
    signal.addEventListener('abort', stop, { once: true });
    const entry = { abort, done: Promise.resolve() };
    running.add(entry);
    const work$ = guard(() => work((usd) => ledger.add(session, usd), abort.signal));
    entry.done = work$.then(
      () => undefined,
      () => undefined,
    );
    try {
      await work$;
    } finally {
      signal.removeEventListener('abort', stop);
      running.delete(entry);
      ledger.release(session);
    }
  };

  return {
    info: (session) => ({ spend: ledger.spend(session), maxTrialCases }),
    runInfo: (runId) => guard(() => runInfo(store, runId)),
    slice: (runId, query) => guard(() => sliceRun(store, runId, query)),
    estimate: (session, request) =>
      guard(async () => {
        const { setup: _setup, run: _run, ...estimate } = await estimateTrial(store, request, { maxTrialCases, spend: ledger.spend(session) });
        return estimate;
      }),
    trial: (session, request, emit, signal) =>
      exclusive(session, emit, signal, (paid, aborted) =>
        runTrial({ store, maxTrialCases, spend: () => ledger.spend(session), paid, scrub }, request, emit, aborted),
      ),
    savePrompt: (request) => guard(() => savePrompt(store, request)),
    fullRun: (session, request, emit, signal) =>
      exclusive(session, emit, signal, (paid, aborted) => runFullSuite({ store, spend: () => ledger.spend(session), paid, scrub }, request, emit, aborted)),
    close: async () => {
      for (const entry of running) entry.abort.abort();
      await Promise.all([...running].map((entry) => entry.done));
    },
  };
}
