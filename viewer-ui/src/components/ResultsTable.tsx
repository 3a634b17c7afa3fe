// The results of one run, filtered on the server and fetched a page at a time into a virtual list.
import { useCallback, useEffect, useState } from 'react';
import { api, type Facets, type ResultListItem } from '../api';
import { useDebounced, usePagedRows } from '../hooks';
import { links } from '../router';
import { LabelBadge, Verdict } from './common';
import { VirtualRows } from './VirtualRows';
import { int, ms, num, usd } from '../format';

export interface ResultFilters {
  variant?: string;
  outcome?: string;
  check?: string;
  segment?: string;
  severity?: string;
  q?: string;
  labelled?: string;
}

export const FILTER_KEYS: (keyof ResultFilters)[] = ['variant', 'outcome', 'check', 'segment', 'severity', 'q', 'labelled'];

export function filtersFrom(params: URLSearchParams): ResultFilters {
  const f: ResultFilters = {};
  for (const k of FILTER_KEYS) {
    const v = params.get(k);
    if (v) f[k] = v;
  }
  return f;
}

export function FilterBar({ facets, filters, onChange }: { facets: Facets; filters: ResultFilters; onChange: (f: ResultFilters) => void }) {
  const [text, setText] = useState(filters.q ?? '');
  const debounced = useDebounced(text, 250);
  useEffect(() => {
    if ((filters.q ?? '') !== debounced) onChange({ ...filters, q: debounced || undefined });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [debounced]);
  useEffect(() => setText(filters.q ?? ''), [filters.q]);
  const set = (k: keyof ResultFilters) => (e: { target: { value: string } }) => onChange({ ...filters, [k]: e.target.value || undefined });
  const select = (k: keyof ResultFilters, label: string, options: [string, string][]) => (
    <label className="filter">
      <span className="filter-label">{label}</span>
      <select value={filters[k] ?? ''} onChange={set(k)} aria-label={label} data-filter={k}>
        <option value="">any</option>
        {options.map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <div className="filters" role="search">
      <label className="filter filter-search">
        <span className="filter-label">search</span>
        <input
          type="search"
          placeholder="output, reason, case id…"
          value={text}
          onChange={(e) => setText(e.target.value)}
          aria-label="search outputs"
          data-filter="q"
        />
      </label>
      {select('outcome', 'outcome', [
        ['pass', 'passed'],
        ['fail', 'failed'],
        ['error', 'errored'],
      ])}
      {select(
        'variant',
        'variant',
        facets.variants.map((v) => [v.id, v.id]),
      )}
      {select(
        'check',
        'failed check',
        facets.checks.map((c) => [c, c]),
      )}
      {select(
        'segment',
        'segment',
        facets.segments.map((s) => [s, s]),
      )}
      {select('severity', 'severity', [
        ['critical', 'critical failure'],
        ['normal', 'non-critical failure'],
      ])}
      {select('labelled', 'labelled', [
        ['yes', 'labelled'],
        ['no', 'not labelled'],
      ])}
      {FILTER_KEYS.some((k) => filters[k]) && (
        <button type="button" className="link-button" onClick={() => onChange({})}>
          clear filters
        </button>
      )}
    </div>
  );
}

export function useResultRows(runId: string, filters: ResultFilters, refreshKey = 0) {
  const key = JSON.stringify([runId, filters, refreshKey]);
  const fetchPage = useCallback(
    (offset: number, limit: number, signal: AbortSignal) => api.results(runId, { ...filters, offset, limit }, signal),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [key],
  );
  return usePagedRows<ResultListItem>(fetchPage, key);
}

const COLUMNS = ['case', 'variant', 'rep', 'verdict', 'score', 'failed checks', 'latency', 'cost', 'label', 'output'];

export function ResultsTable({ runId, filters, height = 560 }: { runId: string; filters: ResultFilters; height?: number | string }) {
  const rows = useResultRows(runId, filters);
  useEffect(() => {
    if (rows.total !== null) performance.mark('evalspec:results-ready');
  }, [rows.total]);
  return (
    <div>
      <div className="results-count small muted" data-testid="results-count">
        {rows.total === null ? 'counting…' : `${int(rows.total)} result${rows.total === 1 ? '' : 's'}`}
        {rows.error && <span className="error-text"> — {rows.error.message}</span>}
      </div>
      <VirtualRows
        label="results"
        total={rows.total}
        row={rows.row}
        ensure={rows.ensure}
        height={height}
        className="results-table"
        empty="No result matches these filters."
        header={
          <div className="vhead results-grid" role="row">
            {COLUMNS.map((c) => (
              <div key={c} role="columnheader">
                {c}
              </div>
            ))}
          </div>
        }
        render={(r) => (
          <a
            className="results-grid vrow-link"
            href={links.case(runId, r.caseId, { variant: r.variantId, repeat: String(r.repeat) })}
            data-case={r.caseId}
            data-variant={r.variantId}
          >
            <div className="mono ellipsis" role="cell" title={r.caseId}>
              {r.caseId}
            </div>
            <div className="ellipsis" role="cell" title={r.variantId}>
              {r.variantId}
            </div>
            <div className="num" role="cell">
              {r.repeat}
            </div>
            <div role="cell">
              <Verdict pass={r.pass} errorClass={r.errorClass} />
              {r.critical && (
                <span className="badge badge-critical" title="a critical check failed">
                  critical
                </span>
              )}
            </div>
            <div className="num" role="cell">
              {num(r.score, 2)}
            </div>
            <div className="ellipsis small" role="cell" title={r.failedChecks.join(', ')}>
              {r.failedChecks.join(', ')}
            </div>
            <div className="num small" role="cell">
              {ms(r.latencyMs)}
            </div>
            <div className="num small" role="cell">
              {usd(r.costUsd)}
            </div>
            <div role="cell">
              <LabelBadge label={r.label} tag={r.labelTag} />
            </div>
            <div className="ellipsis preview" role="cell" title={r.preview ?? ''}>
              {r.preview ?? (r.errorClass ? '(no output: the call failed)' : '')}
            </div>
          </a>
        )}
      />
    </div>
  );
}
