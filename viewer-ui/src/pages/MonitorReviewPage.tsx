// A monitor's review queue (#15 item 5): the records it scored that you have not labelled yet, failed and
// judge-scored first, one at a time with the record and the run review page's label buttons. Keys as there:
// j/k next/previous · p pass (and next) · f fail · 1–9 error tag · c note · x clear. The labels feed
// `evalspec calibrate --monitor`. The queue is the one loaded with the page: labelling a record marks it, it does not
// reshuffle the list under your keys.
import { useEffect, useState } from 'react';
import { api } from '../api';
import { useAsync } from '../hooks';
import { links } from '../router';
import { ErrorBox, LabelBadge, Loading, Verdict } from '../components/common';
import { storeLabeller, storedLabeller } from '../components/LabelForm';
import { when } from '../format';
import { ProductionRecordBody, RecordLabels } from './ProductionRecordPage';

export function MonitorReviewPage({ suite, monitor }: { suite: string; monitor: string }) {
  const [labeller, setLabeller] = useState<string>(storedLabeller() ?? '');
  const queue = useAsync(() => api.reviewQueue(suite, monitor, storedLabeller() ?? undefined), [suite, monitor]);
  const [selected, setSelected] = useState(0);
  const [done, setDone] = useState(new Map<string, 'pass' | 'fail' | null>());
  const items = queue.data?.items ?? [];
  const current = items[selected];
  const record = useAsync(() => (current ? api.productionRecord(current.recordId) : Promise.resolve(undefined)), [current?.recordId]);
  useEffect(() => {
    document.title = `Review · ${monitor} · evalspec`;
  }, [monitor]);
  useEffect(() => {
    if (record.data) performance.mark('evalspec:rendered:monitor-review');
  }, [record.data]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement;
      if (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA' || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === 'j' || e.key === 'ArrowDown' || e.key === 'n') (e.preventDefault(), setSelected((s) => Math.min(Math.max(items.length - 1, 0), s + 1)));
      if (e.key === 'k' || e.key === 'ArrowUp') (e.preventDefault(), setSelected((s) => Math.max(0, s - 1)));
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [items.length]);

  if (queue.error) return <ErrorBox error={queue.error} />;
  if (!queue.data) return <Loading what="Loading the review queue" />;
  return (
    <div className="review-page monitor-review-page">
      <div className="page-head review-head">
        <div className="crumbs small">
          <a href={links.monitors()}>monitor</a> / {suite} / <a href={links.monitor(suite, monitor)}>{monitor}</a> / review
        </div>
        <h1>
          Review <span className="muted small">{monitor}</span>
        </h1>
        <label className="small">
          labeller{' '}
          <input
            value={labeller}
            placeholder={queue.data.labeller}
            onChange={(e) => {
              setLabeller(e.target.value);
              storeLabeller(e.target.value);
            }}
            aria-label="labeller name"
            size={14}
          />
        </label>
        <span className="small muted">
          keys: <kbd>j</kbd>/<kbd>k</kbd> next/previous · <kbd>p</kbd> pass · <kbd>f</kbd> fail · <kbd>1</kbd>–<kbd>9</kbd> tag · <kbd>c</kbd> note ·{' '}
          <kbd>x</kbd> clear · labels feed <code>evalspec calibrate --monitor {monitor}</code>
        </span>
      </div>
      <div className="review-body">
        <div className="review-queue" data-testid="review-queue">
          <div className="small muted">{items.length === 200 ? 'the first 200' : items.length} unlabelled (failed and judge-scored first)</div>
          {items.length === 0 && <div className="muted small">Nothing to review: every record this monitor scored has your label.</div>}
          {items.map((item, i) => (
            <button
              type="button"
              key={item.recordId}
              className={`queue-row ${i === selected ? 'on' : ''}`}
              onClick={() => setSelected(i)}
              data-record={item.recordId}
            >
              <span className="mono ellipsis">{item.recordId.slice(0, 12)}</span>
              <span className="ellipsis small">{when(item.startedAt)}</span>
              {item.status === 'scored' ? <Verdict pass={item.passed} /> : <span className="badge">{item.status}</span>}
              {item.judged && <span className="badge small">judged</span>}
              <LabelBadge label={done.get(item.recordId) ?? null} />
            </button>
          ))}
        </div>
        <div className="review-detail">
          {current && record.error && <ErrorBox error={record.error} />}
          {current && !record.data && !record.error && <Loading what="Loading the record" />}
          {current && record.data && (
            <div data-testid="review-record" data-record={current.recordId}>
              <div className="review-links small">
                <a href={links.productionRecord(current.recordId, { suite, monitor })}>open the record</a>
              </div>
              <RecordLabels
                key={current.recordId}
                recordId={current.recordId}
                keyboard
                onSaved={(verdict, advance) => {
                  setDone((m) => new Map(m).set(current.recordId, verdict));
                  if (advance) setSelected((s) => Math.min(items.length - 1, s + 1));
                }}
              />
              <ProductionRecordBody record={record.data.record} scores={record.data.scores} />
            </div>
          )}
        </div>
      </div>
    </div>
  );
}
