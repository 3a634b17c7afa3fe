import { useCallback, useEffect, useRef, useState } from 'react';

export interface Async<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload: () => void;
}

/** Load with fn whenever deps change; a stale answer never overwrites a newer one. */
export function useAsync<T>(fn: () => Promise<T>, deps: unknown[]): Async<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  const generation = useRef(0);
  const lastDeps = useRef<unknown[] | null>(null);
  useEffect(() => {
    const mine = ++generation.current;
    // New inputs: drop the previous answer at once (it belongs to another run or case); a reload keeps it on screen.
    const same = lastDeps.current !== null && lastDeps.current.length === deps.length && deps.every((d, i) => Object.is(d, lastDeps.current![i]));
    lastDeps.current = deps;
    setState((s) => (same ? { ...s, loading: true } : { loading: true }));
    fn().then(
      (data) => mine === generation.current && setState({ data, loading: false }),
      (error: Error) => mine === generation.current && setState({ error, loading: false }),
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

/** A value that follows its input after `ms` of quiet (for search boxes). */
export function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

/** Rows fetched a page at a time, as the virtual list asks for them. */
export function usePagedRows<Row>(
  fetchPage: (offset: number, limit: number, signal: AbortSignal) => Promise<{ total: number; rows: Row[] }>,
  key: string,
  pageSize = 200,
) {
  const [total, setTotal] = useState<number | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [, setVersion] = useState(0);
  const pages = useRef(new Map<number, Row[]>());
  const inflight = useRef(new Map<number, AbortController>());
  const keyRef = useRef(key);
  const fetchRef = useRef(fetchPage);
  fetchRef.current = fetchPage;

  const load = useCallback(
    (page: number) => {
      if (pages.current.has(page) || inflight.current.has(page)) return;
      const controller = new AbortController();
      inflight.current.set(page, controller);
      const forKey = keyRef.current;
      fetchRef.current(page * pageSize, pageSize, controller.signal).then(
        (result) => {
          if (forKey !== keyRef.current) return;
          inflight.current.delete(page);
          pages.current.set(page, result.rows);
          setTotal(result.total);
          setVersion((v) => v + 1);
        },
        (e: Error) => {
          inflight.current.delete(page);
          if (e.name !== 'AbortError' && forKey === keyRef.current) setError(e);
        },
      );
    },
    [pageSize],
  );

  useEffect(() => {
    keyRef.current = key;
    for (const c of inflight.current.values()) c.abort();
    inflight.current.clear();
    pages.current.clear();
    setTotal(null);
    setError(null);
    load(0);
  }, [key, load]);

  const row = (i: number): Row | undefined => pages.current.get(Math.floor(i / pageSize))?.[i % pageSize];
  const ensure = useCallback(
    (from: number, to: number) => {
      for (let p = Math.floor(from / pageSize); p <= Math.floor(Math.max(from, to) / pageSize); p++) load(p);
    },
    [load, pageSize],
  );
  const refresh = () => {
    pages.current.clear();
    setVersion((v) => v + 1);
    load(0);
  };
  return { total, error, row, ensure, refresh };
}
