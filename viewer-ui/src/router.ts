// Hash routes (#/runs/ID?outcome=fail): the server serves one page, the state lives in the URL so every
// view can be linked and reloaded.
import { useEffect, useState } from 'react';

export type Route =
  | { page: 'runs'; params: URLSearchParams }
  | { page: 'run'; runId: string; params: URLSearchParams }
  | { page: 'case'; runId: string; caseId: string; params: URLSearchParams }
  | { page: 'pareto'; runId: string; params: URLSearchParams }
  | { page: 'review'; runId: string; params: URLSearchParams }
  | { page: 'safety'; runId: string; params: URLSearchParams }
  | { page: 'compare'; params: URLSearchParams }
  | { page: 'monitor'; suite?: string; monitor?: string; params: URLSearchParams }
  | { page: 'monitor-review'; suite: string; monitor: string; params: URLSearchParams }
  | { page: 'production-record'; recordId: string; params: URLSearchParams }
  | { page: 'playground'; params: URLSearchParams }
  | { page: 'experiment'; name?: string; params: URLSearchParams }
  | { page: 'not-found'; params: URLSearchParams };

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#/, '') || '/';
  const [path, search = ''] = raw.split('?', 2);
  const params = new URLSearchParams(search);
  const parts = path
    .split('/')
    .filter(Boolean)
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return p;
      }
    });
  if (parts.length === 0) return { page: 'runs', params };
  if (parts[0] === 'compare' && parts.length === 1) return { page: 'compare', params };
  if (parts[0] === 'playground' && parts.length === 1) return { page: 'playground', params };
  if (parts[0] === 'monitor' && parts.length === 1) return { page: 'monitor', params };
  if (parts[0] === 'monitor' && parts.length === 3) return { page: 'monitor', suite: parts[1], monitor: parts[2], params };
  if (parts[0] === 'monitor' && parts.length === 4 && parts[3] === 'review') return { page: 'monitor-review', suite: parts[1], monitor: parts[2], params };
  if (parts[0] === 'experiments' && parts.length <= 2) return { page: 'experiment', name: parts[1], params };
  if (parts[0] === 'production' && parts.length === 2) return { page: 'production-record', recordId: parts[1], params };
  if (parts[0] === 'runs' && parts.length >= 2) {
    const runId = parts[1];
    if (parts.length === 2) return { page: 'run', runId, params };
    if (parts[2] === 'cases' && parts.length === 4) return { page: 'case', runId, caseId: parts[3], params };
    if (parts[2] === 'pareto' && parts.length === 3) return { page: 'pareto', runId, params };
    if (parts[2] === 'review' && parts.length === 3) return { page: 'review', runId, params };
    if (parts[2] === 'safety' && parts.length === 3) return { page: 'safety', runId, params };
  }
  return { page: 'not-found', params };
}

const enc = encodeURIComponent;

export function href(path: string[], params: Record<string, string | number | undefined | null> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return `#/${path.map(enc).join('/')}${s ? `?${s}` : ''}`;
}

export const links = {
  runs: (suite?: string) => href([], { suite }),
  run: (runId: string, params: Record<string, string | undefined> = {}) => href(['runs', runId], params),
  case: (runId: string, caseId: string, params: Record<string, string | undefined> = {}) => href(['runs', runId, 'cases', caseId], params),
  pareto: (runId: string) => href(['runs', runId, 'pareto']),
  review: (runId: string, params: Record<string, string | undefined> = {}) => href(['runs', runId, 'review'], params),
  safety: (runId: string) => href(['runs', runId, 'safety']),
  compare: (params: Record<string, string | undefined>) => href(['compare'], params),
  monitors: () => href(['monitor']),
  monitor: (suite: string, monitor: string, params: Record<string, string | undefined> = {}) => href(['monitor', suite, monitor], params),
  monitorReview: (suite: string, monitor: string) => href(['monitor', suite, monitor, 'review']),
  playground: (runId?: string) => href(['playground'], { run: runId }),
  experiments: () => href(['experiments']),
  experiment: (name: string) => href(['experiments', name]),
  productionRecord: (recordId: string, params: Record<string, string | undefined> = {}) => href(['production', recordId], params),
};

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseHash(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

/** Replace the hash's query (no new history entry): filters typed in a box should not flood Back. */
export function replaceParams(params: Record<string, string | undefined>): void {
  const [path] = (window.location.hash.replace(/^#/, '') || '/').split('?', 1);
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, v);
  const s = q.toString();
  const next = `#${path}${s ? `?${s}` : ''}`;
  if (next !== window.location.hash) {
    window.history.replaceState(null, '', next);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  }
}
