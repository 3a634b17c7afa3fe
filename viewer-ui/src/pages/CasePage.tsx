// One case: its variables and tags, then every result (each variant, each repeat) side by side.
import { useEffect, useMemo, useState } from 'react';
import { api, type LabelRecord } from '../api';
import { useAsync } from '../hooks';
import { links } from '../router';
import { ErrorBox, LabelBadge, Loading, Section, ValueView } from '../components/common';
import { ResultCard } from '../components/ResultCard';
import { LabelForm, runLabelSink, storedLabeller } from '../components/LabelForm';

export function CasePage({ runId, caseId, params }: { runId: string; caseId: string; params: URLSearchParams }) {
  const data = useAsync(() => api.case(runId, caseId), [runId, caseId]);
  const run = useAsync(() => api.run(runId), [runId]);
  const [labelling, setLabelling] = useState(false);
  const [labels, setLabels] = useState<LabelRecord[]>([]);
  const focusVariant = params.get('variant');
  const focusRepeat = params.get('repeat');
  useEffect(() => {
    document.title = `${caseId} · ${runId} · evalspec`;
  }, [runId, caseId]);
  useEffect(() => {
    if (data.data) {
      setLabels(data.data.labels);
      performance.mark('evalspec:rendered:case');
    }
  }, [data.data]);
  const variantFilter = params.get('only');
  const results = useMemo(() => (data.data?.results ?? []).filter((r) => !variantFilter || r.variantId === variantFilter), [data.data, variantFilter]);
  if (data.error) return <ErrorBox error={data.error} />;
  if (!data.data) return <Loading what="Loading the case" />;
  const c = data.data.case;
  const me = storedLabeller() ?? undefined;
  const latest = (variantId: string, repeat: number) =>
    labels.filter((l) => l.variantId === variantId && l.repeat === repeat).sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1))[0];
  const mine = (variantId: string, repeat: number) => {
    const all = labels.filter((l) => l.variantId === variantId && l.repeat === repeat);
    return (me ? all.find((l) => l.labeller === me) : undefined) ?? all[all.length - 1];
  };
  return (
    <div className="case-page">
      <div className="page-head">
        <div className="crumbs small">
          <a href={links.runs()}>runs</a> / <a href={links.run(runId)}>{runId}</a> / case
        </div>
        <h1 className="mono">{caseId}</h1>
        {c?.description && <p>{c.description}</p>}
        <div className="tags">
          {(c?.tags ?? []).map((t) => (
            <a key={t} className="tag" href={links.run(runId, { segment: t })}>
              {t}
            </a>
          ))}
          {c?.cluster && <span className="tag">cluster: {c.cluster}</span>}
        </div>
      </div>
      <Section
        title="Variables"
        actions={
          <div className="toolbar">
            <label className="small">
              <input type="checkbox" checked={labelling} onChange={(e) => setLabelling(e.target.checked)} /> label here
            </label>
            <a className="button" href={links.review(runId, {})}>
              Review queue
            </a>
          </div>
        }
      >
        {c ? <ValueView value={c.vars} /> : <span className="muted">The case is not stored with this run.</span>}
      </Section>
      <Section title={`Results (${results.length}) — every variant and repeat side by side`}>
        <div className="side-by-side">
          {results.map((r) => {
            const l = latest(r.variantId, r.repeat);
            return (
              <ResultCard key={`${r.variantId}:${r.repeat}`} r={r} highlighted={r.variantId === focusVariant && String(r.repeat) === (focusRepeat ?? '0')}>
                {l && (
                  <div className="small">
                    <LabelBadge label={l.label} tag={l.tag} /> <span className="muted">by {l.labeller}</span>
                    {l.comment && <div className="plain-text label-comment">{l.comment}</div>}
                  </div>
                )}
                {labelling && (
                  <LabelForm
                    sink={runLabelSink({ runId, caseId, variantId: r.variantId, repeat: r.repeat }, me)}
                    existing={mine(r.variantId, r.repeat)}
                    errorTags={run.data?.errorTags ?? []}
                    onSaved={(saved) =>
                      setLabels((prev) => {
                        const rest = prev.filter((x) => !(x.variantId === r.variantId && x.repeat === r.repeat && (!saved || x.labeller === saved.labeller)));
                        return saved ? [...rest, saved] : rest;
                      })
                    }
                  />
                )}
              </ResultCard>
            );
          })}
        </div>
      </Section>
    </div>
  );
}
