// Talking to the viewer's server. A shared viewer (--host) signs the browser in with a session cookie (set by
// its /login page or a one-time ?token= link; HttpOnly, so this code never sees the token): a 401 means the
// session is gone (signed out, token revoked), so the browser goes back to the sign-in page.
import type { CaseResponse, CompareResponse, LabelRecord, ReportResponse, ResultsResponse, RunResponse, RunsResponse } from '../../src/viewer/types.js';
import type {
  MonitorDetailResponse,
  MonitorListResponse,
  ProductionLabelView,
  ProductionLabelsResponse,
  ProductionRecordResponse,
  ProductionRecordsResponse,
  ReviewQueueResponse,
} from '../../src/viewer/monitor-types.js';

export type * from '../../src/viewer/types.js';
export type * from '../../src/viewer/monitor-types.js';
export type * from '../../src/viewer/experiment-types.js';
export type * from '../../src/viewer/safety-types.js';
import type { SafetyResponse } from '../../src/viewer/safety-types.js';
import type { ExperimentListResponse, Scorecard } from '../../src/viewer/experiment-types.js';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export async function parse<T>(response: Response): Promise<T> {
  if (response.status === 401) window.location.assign('/login');
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`;
    try {
      const body = (await response.json()) as { error?: string };
      if (body.error) message = body.error;
    } catch {
      // not JSON
    }
    throw new ApiError(message, response.status);
  }
  return (await response.json()) as T;
}

export function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

export async function get<T>(path: string, params: Record<string, string | number | undefined | null> = {}, signal?: AbortSignal): Promise<T> {
  return parse<T>(await fetch(`/api${path}${query(params)}`, { signal }));
}

/** A write: JSON, with the header the server asks of every POST and DELETE (a cross-site form cannot send it). */
export const SEND_HEADERS = { 'Content-Type': 'application/json', 'X-Evalspec-Request': '1' };

async function send<T>(method: 'POST' | 'DELETE', path: string, body?: unknown, params: Record<string, string | number | undefined> = {}): Promise<T> {
  const response = await fetch(`/api${path}${query(params)}`, {
    method,
    headers: SEND_HEADERS,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return parse<T>(response);
}

const enc = encodeURIComponent;

export const api = {
  runs: (suite?: string) => get<RunsResponse>('/runs', { suite }),
  run: (id: string) => get<RunResponse>(`/runs/${enc(id)}`),
  report: (id: string) => get<ReportResponse>(`/runs/${enc(id)}/report`),
  results: (id: string, params: Record<string, string | number | undefined>, signal?: AbortSignal) =>
    get<ResultsResponse>(`/runs/${enc(id)}/results`, params, signal),
  safety: (id: string) => get<SafetyResponse>(`/runs/${enc(id)}/safety`),
  case: (id: string, caseId: string) => get<CaseResponse>(`/runs/${enc(id)}/cases/${enc(caseId)}`),
  compare: (params: Record<string, string | number | undefined>, signal?: AbortSignal) => get<CompareResponse>('/compare', params, signal),
  labels: (id: string) => get<{ labels: LabelRecord[]; labeller: string }>(`/runs/${enc(id)}/labels`),
  me: () => get<{ labeller: string; browserSession: boolean }>('/me'),
  putLabel: (
    id: string,
    body: { caseId: string; variantId: string; repeat: number; label: 'pass' | 'fail' | null; tag: string | null; comment: string | null; labeller?: string },
  ) => send<{ label: LabelRecord }>('POST', `/runs/${enc(id)}/labels`, body),
  monitors: () => get<MonitorListResponse>('/monitor'),
  monitor: (suite: string, monitor: string) => get<MonitorDetailResponse>(`/monitor/${enc(suite)}/${enc(monitor)}`),
  productionRecords: (params: { suite: string; monitor?: string; since?: string; until?: string; failed?: string; tag?: string; limit?: number }) =>
    get<ProductionRecordsResponse>('/production/records', params),
  productionRecord: (id: string) => get<ProductionRecordResponse>(`/production/records/${enc(id)}`),
  flagRecord: (id: string, flagged: boolean) => send<{ id: string; flagged: boolean }>('POST', `/production/records/${enc(id)}/flag`, { flagged }),
  productionLabels: (id: string) => get<ProductionLabelsResponse>(`/production/records/${enc(id)}/labels`),
  putProductionLabel: (id: string, body: { verdict: 'pass' | 'fail'; errorTags: string[]; note: string | null; labeller?: string }) =>
    send<{ label: ProductionLabelView }>('POST', `/production/records/${enc(id)}/labels`, body),
  deleteProductionLabel: (id: string, labeller?: string) =>
    send<{ deleted: boolean }>('DELETE', `/production/records/${enc(id)}/labels`, undefined, { labeller }),
  reviewQueue: (suite: string, monitor: string, labeller?: string) => get<ReviewQueueResponse>(`/monitor/${enc(suite)}/${enc(monitor)}/review`, { labeller }),
  experiments: () => get<ExperimentListResponse>('/experiments'),
  experiment: (name: string) => get<Scorecard>(`/experiments/${enc(name)}`),
  deleteLabel: (id: string, key: { caseId: string; variantId: string; repeat: number; labeller?: string }) =>
    send<{ deleted: boolean }>('DELETE', `/runs/${enc(id)}/labels`, undefined, key),
};
