// What the page knows of a running trial, folded from its NDJSON events (pure, so the order rules are tested
// without a browser): the streamed text of each case so far, then its result, then the comparison.
import type { PlaygroundSpend, TrialComparison, TrialEstimate, TrialEvent, TrialResult } from '../../src/viewer/playground-types.js';

export interface TrialState {
  trialRunId: string | null;
  estimate: TrialEstimate | null;
  /** Text streamed so far per `caseId|repeat`, until that case's trial result arrives. */
  streaming: Record<string, string>;
  /** Results per `caseId|repeat`, each side as it arrives. */
  results: Record<string, { stored?: TrialResult; trial?: TrialResult }>;
  /** Keys in the order their first event arrived. */
  order: string[];
  comparison: TrialComparison | null;
  spend: PlaygroundSpend | null;
  status: 'running' | 'done' | 'failed';
  /** The run's final status (completed, incomplete, cancelled…) once it ended. */
  runStatus: string | null;
  error: { code: string; message: string; hint: string | null } | null;
}

export const resultKey = (caseId: string, repeat: number): string => `${caseId}|${repeat}`;

/** The key's parts back (a case id may itself hold "|": the repeat is after the last one). */
export function splitKey(key: string): { caseId: string; repeat: number } {
  const bar = key.lastIndexOf('|');
  return { caseId: key.slice(0, bar), repeat: Number(key.slice(bar + 1)) };
}

export function initialTrialState(): TrialState {
  return {
    trialRunId: null,
    estimate: null,
    streaming: {},
    results: {},
    order: [],
    comparison: null,
    spend: null,
    status: 'running',
    runStatus: null,
    error: null,
  };
}

const withKey = (order: string[], key: string) => (order.includes(key) ? order : [...order, key]);

export function applyTrialEvent(state: TrialState, event: TrialEvent): TrialState {
  switch (event.type) {
    case 'start':
      return { ...state, trialRunId: event.trialRunId, estimate: event.estimate, spend: event.estimate.spend };
    case 'delta': {
      const key = resultKey(event.caseId, event.repeat);
      // A delta after the case's trial result would be a stray from a retried attempt: the result is final.
      if (state.results[key]?.trial) return state;
      return { ...state, streaming: { ...state.streaming, [key]: (state.streaming[key] ?? '') + event.text }, order: withKey(state.order, key) };
    }
    case 'result': {
      const { result } = event;
      const key = resultKey(result.caseId, result.repeat);
      const streaming = { ...state.streaming };
      if (result.side === 'trial') delete streaming[key];
      return { ...state, streaming, results: { ...state.results, [key]: { ...state.results[key], [result.side]: result } }, order: withKey(state.order, key) };
    }
    case 'end':
      return { ...state, comparison: event.comparison, spend: event.spend, status: 'done', runStatus: event.status };
    case 'error':
      return { ...state, status: 'failed', error: { code: event.code, message: event.message, hint: event.hint } };
  }
}
