// Review: walk through outputs and label them (pass/fail, an error tag, a comment). Labels go to the store
// at once. Keys: j/k next/previous · p pass (and next) · f fail · 1–9 error tag · c comment · x clear.
import { useEffect, useMemo, useState } from 'react';
import { api, type LabelRecord } from '../api';
import { useAsync } from '../hooks';
import { links, replaceParams } from '../router';
import { ErrorBox, LabelBadge, Loading, Verdict } from '../components/common';
import { FilterBar, filtersFrom, useResultRows, type ResultFilters } from '../components/ResultsTable';
import { VirtualRows } from '../components/VirtualRows';
import { ResultCard } from '../components/ResultCard';
import { LabelForm, runLabelSink, storeLabeller, storedLabeller } from '../components/LabelForm';
import { int } from '../format';

const keyOf = (r: { caseId: string; variantId: string; repeat: number }) => `${r.caseId}\u0000${r.variantId}\u0000${r.repeat}`;

export function ReviewPage({ runId, params }: { runId: string; params: URLSearchParams }) {
  const run = useAsync(() => api.run(runId), [runId]);
  const me = useAsync(() => api.me(), []);
  const filters = filtersFrom(params);
  const rows = useResultRows(runId, filters);
  const [selected, setSelected] = useState(0);
  const [labeller, setLabeller] = useState<string>(storedLabeller() ?? '');
  const [local, setLocal] = useState(new Map<string, LabelRecord | null>());
  const filterKey = JSON.stringify(filters);
  useEffect(() => setSelected(0), [filterKey]);
  useEffect(() => {
    document.title = `Review · ${runId} · evalspec`;
  }, [runId]);
  const current = rows.row(selected);
  const detail = useAsync(() => (current ? api.case(runId, current.caseId) : Promise.resolve(undefined)), [runId, current?.caseId]);
  const result = useMemo(
    () => (current && detail.data ? detail.data.results.find((r) => r.variantId === current.variantId && r.repeat === current.repeat) : undefined),
    [current, detail.data],
  );
  const name = labeller || me.data?.labeller;
  const existing = useMemo(() => {
    if (!current || !detail.data) return undefined;
    const k = keyOf(current);
    if (local.has(k)) return local.get(k) ?? undefined;
    return detail.data.labels.find((l) => keyOf(l) === k && l.labeller === name);
  }, [current, detail.data, local, name]);
  useEffect(() => {
    if (result) performance.mark('evalspec:rendered:review');
  }, [result]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement;
      if (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA' || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === 'j' || e.key === 'ArrowDown' || e.key === 'n') (e.preventDefault(), setSelected((s) => Math.min((rows.total ?? 1) - 1, s + 1)));
      if (e.key === 'k' || e.key === 'ArrowUp') (e.preventDefault(), setSelected((s) => Math.max(0, s - 1)));
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [rows.total]);

  if (run.error) return <ErrorBox error={run.error} />;
  if (!run.data) return <Loading what="Loading the run" />;
  const errorTags = run.data.errorTags;
  const onFilters = (f: ResultFilters) => replaceParams(f as Record<string, string | undefined>);
  return (
    <div className="review-page">
      <div className="page-head review-head">
        <h1>
          Review{' '}
          <span className="muted small">
            {run.data.run.suiteName} · {runId}
          </span>
        </h1>
        <label className="small">
          labeller{' '}
          <input
            value={labeller}
            placeholder={me.data?.labeller ?? 'your name'}
            onChange={(e) => {
              setLabeller(e.target.value);
              storeLabeller(e.target.value);
            }}
            aria-label="labeller name"
            size={14}
          />
        </label>
        <span className="small muted">
          keys: <kbd>j</kbd>/<kbd>k</kbd> next/previous · <kbd>p</kbd> pass · <kbd>f</kbd> fail · <kbd>1</kbd>–<kbd>9</kbd> tag · <kbd>c</kbd> comment ·{' '}
          <kbd>x</kbd> clear
        </span>
        <span className="small muted">
          error tags {run.data.errorTagsFromSuite ? 'from the suite' : '(default list: set error_tags in the suite to use your own)'}
        </span>
      </div>
      <FilterBar facets={run.data.facets} filters={filters} onChange={onFilters} />
      <div className="review-body">
        <div className="review-queue">
          <div className="small muted">{rows.total === null ? 'counting…' : `${int(rows.total)} in the queue`}</div>
          <VirtualRows
            label="review queue"
            total={rows.total}
            row={rows.row}
            ensure={rows.ensure}
            selected={selected}
            height="calc(100vh - 250px)"
            empty="Nothing to review with these filters."
            render={(r, i) => {
              const l = local.has(keyOf(r)) ? local.get(keyOf(r)) : undefined;
              const label = l === undefined ? r.label : (l?.label ?? null);
              const tag = l === undefined ? r.labelTag : (l?.tag ?? null);
              return (
                <button
                  type="button"
                  className={`queue-row vrow-link ${i === selected ? 'on' : ''}`}
                  onClick={() => setSelected(i)}
                  data-case={r.caseId}
                  data-variant={r.variantId}
                >
                  <span className="mono ellipsis">{r.caseId}</span>
                  <span className="ellipsis small">{r.variantId}</span>
                  <Verdict pass={r.pass} errorClass={r.errorClass} />
                  <LabelBadge label={label} tag={tag} />
                </button>
              );
            }}
          />
        </div>
        <div className="review-detail">
          {!current && rows.total !== 0 && <Loading />}
          {current && detail.error && <ErrorBox error={detail.error} />}
          {current && result && (
            <ResultCard r={result} showContext>
              <div className="review-links small">
                <a href={links.case(runId, current.caseId, { variant: current.variantId, repeat: String(current.repeat) })}>
                  open the case (all variants side by side)
                </a>
              </div>
              <LabelForm
                sink={runLabelSink({ runId, caseId: current.caseId, variantId: current.variantId, repeat: current.repeat }, name)}
                existing={existing}
                errorTags={errorTags}
                keyboard
                onSaved={(saved, advance) => {
                  setLocal((m) => new Map(m).set(keyOf(current), saved));
                  if (advance) setSelected((s) => Math.min((rows.total ?? 1) - 1, s + 1));
                }}
              />
            </ResultCard>
          )}
        </div>
      </div>
    </div>
  );
}
