// One production record: the prompt messages, the output, the tool calls, each monitor's check verdicts, a flag
// button (flagged records are what `evalspec promote --flagged` turns into cases) and the label buttons of the run
// review page (pass / fail, an error tag, a note: what `evalspec calibrate --monitor` compares the judges with).
// Production text is untrusted: every string is a React text child, never HTML.
import { useEffect, useState } from 'react';
import { api, type ProductionRecordView, type ProductionScoreView } from '../api';
import { useAsync } from '../hooks';
import { links } from '../router';
import { ErrorBox, LabelBadge, Loading, PlainText, Section, Verdict } from '../components/common';
import { LabelForm, productionLabelSink, shownProductionLabel, storedLabeller } from '../components/LabelForm';
import { Messages } from '../components/ResultCard';
import { int, ms, num, usd, when } from '../format';

function ScoreView({ score }: { score: ProductionScoreView }) {
  return (
    <div className="production-score" data-monitor={score.monitor}>
      <div className="small">
        <strong>{score.monitor}</strong> · {score.status === 'scored' ? <Verdict pass={score.passed} /> : <span className="badge">{score.status}</span>}
        {score.criticalFailed && <span className="badge badge-fail"> critical</span>} <span className="muted">scored {when(score.scoredAt)} UTC</span>
      </div>
      {score.reason && <PlainText text={score.reason} className="small" />}
      <table className="table checks-table small">
        <tbody>
          {score.checks.map((c) => (
            <tr key={c.name} className="check-row">
              <td>
                <Verdict pass={c.passed} />
              </td>
              <td className="mono">
                {c.name}
                {c.severity === 'critical' && <span className="muted"> (critical)</span>}
              </td>
              <td>{c.score === null ? '' : num(c.score, 2)}</td>
              <td>
                <PlainText text={c.reason} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function ProductionRecordPage({ recordId, params }: { recordId: string; params: URLSearchParams }) {
  const data = useAsync(() => api.productionRecord(recordId), [recordId]);
  const [flagged, setFlagged] = useState<boolean | null>(null);
  const [flagError, setFlagError] = useState<Error | null>(null);
  const [saving, setSaving] = useState(false);
  useEffect(() => {
    document.title = `record ${recordId.slice(0, 8)} · evalspec`;
  }, [recordId]);
  useEffect(() => {
    if (data.data) setFlagged(data.data.record.flagged);
  }, [data.data]);
  if (data.error) return <ErrorBox error={data.error} />;
  if (!data.data) return <Loading what="Loading the record" />;
  const { record: r, scores } = data.data;
  const suite = params.get('suite');
  const monitor = params.get('monitor');
  const toggle = () => {
    setSaving(true);
    setFlagError(null);
    api.flagRecord(r.id, !flagged).then(
      (res) => {
        setFlagged(res.flagged);
        setSaving(false);
      },
      (e: Error) => {
        setFlagError(e);
        setSaving(false);
      },
    );
  };
  return (
    <div className="production-record-page">
      <div className="page-head">
        <div className="crumbs small">
          <a href={links.monitors()}>monitor</a>
          {suite && monitor && (
            <>
              {' '}
              / <a href={links.monitor(suite, monitor)}>{monitor}</a>
            </>
          )}{' '}
          / record
        </div>
        <h1 className="mono">{r.id}</h1>
        <div className="toolbar">
          <button type="button" className="button" data-testid="flag-button" onClick={toggle} disabled={saving}>
            {flagged ? 'Unflag' : 'Flag for promote'}
          </button>
          {flagged && (
            <span className="badge badge-label" data-testid="flagged">
              flagged
            </span>
          )}
          {flagError && <ErrorBox error={flagError} />}
        </div>
        <div className="tags">
          {r.tags.map((t) => (
            <span key={t} className="tag">
              {t}
            </span>
          ))}
        </div>
      </div>
      <ProductionRecordBody record={r} scores={scores} />
      <RecordLabels key={r.id} recordId={r.id} />
    </div>
  );
}

/** What a record holds (shared with the Monitor review queue): figures, messages, output, tool calls, verdicts, attributes. */
export function ProductionRecordBody({ record: r, scores }: { record: ProductionRecordView; scores: ProductionScoreView[] }) {
  return (
    <>
      <dl className="facts small">
        <dt>started</dt>
        <dd>{when(r.startedAt)} UTC</dd>
        <dt>model</dt>
        <dd className="mono">{r.model ?? 'n/a'}</dd>
        <dt>tokens</dt>
        <dd>
          {int(r.inputTokens)} in / {int(r.outputTokens)} out
        </dd>
        <dt>cost</dt>
        <dd>{usd(r.costUsd)}</dd>
        <dt>latency</dt>
        <dd>
          {ms(r.latencyMs)}
          {r.ttftMs !== null && ` (first token ${ms(r.ttftMs)})`}
        </dd>
        <dt>language</dt>
        <dd className="mono" title="ISO 639-1, detected at ingest from the last user message">
          {r.language ?? 'unknown'}
        </dd>
        <dt>trace</dt>
        <dd className="mono">
          {r.traceId} / {r.spanId}
        </dd>
      </dl>
      <Section title="Messages">
        <Messages messages={r.input} />
      </Section>
      <Section title="Output">
        <PlainText text={r.output} className="production-output" />
      </Section>
      {r.toolCalls.length > 0 && (
        <Section title={`Tool calls (${r.toolCalls.length})`}>
          {r.toolCalls.map((t, i) => (
            <div key={i} className="tool-call">
              <div className="mono small">{t.name}</div>
              <div className="tool-call-part">arguments</div>
              <PlainText text={t.arguments} className="small mono" />
              <div className="tool-call-part">result</div>
              <PlainText text={t.result} className="small mono" />
            </div>
          ))}
        </Section>
      )}
      <Section title="Check verdicts">
        {scores.length === 0 ? (
          <div className="muted small">No monitor scored this record yet.</div>
        ) : (
          scores.map((s) => <ScoreView key={s.monitor} score={s} />)
        )}
      </Section>
      {Object.keys(r.attributes).length > 0 && (
        <Section title="Attributes">
          <table className="kv small">
            <tbody>
              {Object.entries(r.attributes).map(([k, v]) => (
                <tr key={k}>
                  <th>{k}</th>
                  <td>{String(v)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Section>
      )}
    </>
  );
}

/** Everyone's labels on the record, and yours to give or change (the labeller name the run review page stores). */
export function RecordLabels({
  recordId,
  keyboard = false,
  onSaved,
}: {
  recordId: string;
  keyboard?: boolean;
  onSaved?: (verdict: 'pass' | 'fail' | null, advance: boolean) => void;
}) {
  const data = useAsync(() => api.productionLabels(recordId), [recordId]);
  // What you saved here (undefined: nothing yet, null: cleared). Mounted per record (key={recordId}), so it never leaks.
  const [mine, setMine] = useState<ReturnType<typeof shownProductionLabel> | null | undefined>(undefined);
  if (data.error) return <ErrorBox error={data.error} />;
  if (!data.data) return <Loading what="Loading the labels" />;
  const name = storedLabeller() ?? data.data.labeller;
  const stored = data.data.labels.find((l) => l.labeller === name);
  const existing = mine === undefined ? (stored ? shownProductionLabel(stored) : undefined) : (mine ?? undefined);
  const others = data.data.labels.filter((l) => l.labeller !== name);
  return (
    <Section title="Your label">
      <div className="small muted">
        labelling as {name} · error tags {data.data.errorTagsFromSuite ? 'from the suite' : '(default list: set error_tags in the suite to use your own)'}
      </div>
      <LabelForm
        sink={productionLabelSink(recordId, name)}
        existing={existing}
        errorTags={data.data.errorTags}
        keyboard={keyboard}
        onSaved={(saved, advance) => {
          setMine(saved);
          onSaved?.(saved?.verdict ?? null, advance);
        }}
      />
      {others.length > 0 && (
        <ul className="small other-labels">
          {others.map((l) => (
            <li key={l.labeller}>
              <LabelBadge label={l.verdict} tag={l.errorTags.join(', ') || null} /> <span className="muted">by {l.labeller}</span>
              {l.note && <div className="plain-text label-comment">{l.note}</div>}
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}
