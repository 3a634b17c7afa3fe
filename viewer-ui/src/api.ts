// Talking to the viewer's server. The access token (when the server was shared with --host) arrives once in
// the URL (?token=…); it is kept in sessionStorage, removed from the address bar, and sent as a header.
import type { CaseResponse, CompareResponse, LabelRecord, ReportResponse, ResultsResponse, RunResponse, RunsResponse } from '../../src/viewer/types.js';

export type * from '../../src/viewer/types.js';

const TOKEN_KEY = 'evalspec-token';

function initToken(): string | null {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url.pathname + url.search + url.hash);
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

const token = initToken();

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

function headers(extra: Record<string, string> = {}): Record<string, string> {
  return token ? { 'X-Evalspec-Token': token, ...extra } : extra;
}

async function parse<T>(response: Response): Promise<T> {
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
  return parse<T>(await fetch(`/api${path}${query(params)}`, { headers: headers(), signal }));
}

async function send<T>(method: 'POST' | 'DELETE', path: string, body?: unknown, params: Record<string, string | number | undefined> = {}): Promise<T> {
  const response = await fetch(`/api${path}${query(params)}`, {
    method,
    headers: headers({ 'Content-Type': 'application/json', 'X-Evalspec-Request': '1' }),
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
  case: (id: string, caseId: string) => get<CaseResponse>(`/runs/${enc(id)}/cases/${enc(caseId)}`),
  compare: (params: Record<string, string | number | undefined>, signal?: AbortSignal) => get<CompareResponse>('/compare', params, signal),
  labels: (id: string) => get<{ labels: LabelRecord[]; labeller: string }>(`/runs/${enc(id)}/labels`),
  me: () => get<{ labeller: string }>('/me'),
  putLabel: (
    id: string,
    body: { caseId: string; variantId: string; repeat: number; label: 'pass' | 'fail' | null; tag: string | null; comment: string | null; labeller?: string },
  ) => send<{ label: LabelRecord }>('POST', `/runs/${enc(id)}/labels`, body),
  deleteLabel: (id: string, key: { caseId: string; variantId: string; repeat: number; labeller?: string }) =>
    send<{ deleted: boolean }>('DELETE', `/runs/${enc(id)}/labels`, undefined, key),
};
