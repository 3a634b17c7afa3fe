// The playground's API (`evalspec view --playground`): JSON reads and writes, and the two streamed answers
// (a trial, a full run) read line by line as they arrive. The browser names models by label or ref only; keys
// stay in the view process.
import { ApiError, get, parse, SEND_HEADERS } from './api';
import { readNdjson } from './ndjson';
import type {
  FullRunEvent,
  FullRunRequest,
  PlaygroundInfo,
  PlaygroundRunInfo,
  PlaygroundSlice,
  SavePromptRequest,
  SavePromptResult,
  SliceQuery,
  TrialEstimate,
  TrialEvent,
  TrialRequest,
} from '../../src/viewer/playground-types.js';

export type * from '../../src/viewer/playground-types.js';

const enc = encodeURIComponent;

/** A refusal is `{ error, code, fix }` (402 the spend cap, 409 busy, 404 an unknown run or the playground off): the fix is shown with it. */
async function refused(response: Response): Promise<never> {
  if (response.status === 401) return parse<never>(response);
  let message = `${response.status} ${response.statusText}`;
  try {
    const body = (await response.json()) as { error?: string; fix?: string | null };
    if (body.error) message = body.fix ? `${body.error} (fix: ${body.fix})` : body.error;
  } catch {
    // not JSON
  }
  throw new ApiError(message, response.status);
}

async function post<T>(path: string, body: unknown): Promise<T> {
  const response = await fetch(`/api${path}`, { method: 'POST', headers: SEND_HEADERS, body: JSON.stringify(body) });
  return response.ok ? ((await response.json()) as T) : refused(response);
}

/** POST `body`, then call `onEvent` per NDJSON line until the server ends the answer (or `signal` aborts it). */
async function postStream<E>(path: string, body: unknown, onEvent: (event: E) => void, signal: AbortSignal): Promise<void> {
  const response = await fetch(`/api${path}`, { method: 'POST', headers: SEND_HEADERS, body: JSON.stringify(body), signal });
  // A refusal before the stream starts (bad request, over the cap, off) is a JSON error like any other route's.
  if (!response.ok) return refused(response);
  if (!response.body) throw new Error(`${response.status}: the server sent no body`);
  await readNdjson<E>(response.body, onEvent);
}

export const playgroundApi = {
  info: () => get<PlaygroundInfo>('/playground'),
  runInfo: (runId: string) => get<PlaygroundRunInfo>(`/playground/runs/${enc(runId)}`),
  slice: (runId: string, q: SliceQuery, signal?: AbortSignal) =>
    get<PlaygroundSlice>(`/playground/runs/${enc(runId)}/slice`, { variant: q.variant, kind: q.kind, value: q.value, n: q.n, seed: q.seed }, signal),
  estimate: (request: TrialRequest) => post<TrialEstimate>('/playground/estimate', request),
  trial: (request: TrialRequest, onEvent: (event: TrialEvent) => void, signal: AbortSignal) => postStream('/playground/trials', request, onEvent, signal),
  savePrompt: (request: SavePromptRequest) => post<SavePromptResult>('/playground/prompts', request),
  fullRun: (request: FullRunRequest, onEvent: (event: FullRunEvent) => void, signal: AbortSignal) =>
    postStream('/playground/full-runs', request, onEvent, signal),
};
