// Production monitoring (#15): the suites' monitors, then one monitor: each metric over time with its interval band,
// baseline and alerts, the server's status line and evidence sentences, the segment mix and input drift beside
// quality, and the sampled records behind any point (failed first), each opening the record view; the review queue
// (MonitorReviewPage) labels the monitor's records for `evalspec calibrate --monitor`.
import { useEffect } from 'react';
import {
  api,
  type LanguageMixStatus,
  type MetricState,
  type MetricStatus,
  type PromptLengthStatus,
  type MetricWindow,
  type MonitorDetailResponse,
  type MonitorSeries,
} from '../api';
import { useAsync } from '../hooks';
import { links, replaceParams } from '../router';
import { ErrorBox, Loading, PlainText, Section, Verdict } from '../components/common';
import { MonitorChart } from '../components/MonitorChart';
import { METRIC_NAMES } from '../monitor-format';
import { ms, pct, usd, when } from '../format';

function StateBadge({ state }: { state: MetricState | null }) {
  const cls = state === 'alert' ? 'badge-fail' : state === 'ok' ? 'badge-pass' : '';
  return <span className={`badge ${cls}`}>{state ?? 'error'}</span>;
}

export function MonitorPage({ suite, monitor, params }: { suite?: string; monitor?: string; params: URLSearchParams }) {
  useEffect(() => {
    document.title = `Monitor${monitor ? ` · ${monitor}` : ''} · evalspec`;
  }, [monitor]);
  if (!suite || !monitor) return <MonitorList />;
  return <MonitorDetail suite={suite} monitor={monitor} params={params} />;
}

function MonitorList() {
  const data = useAsync(() => api.monitors(), []);
  if (data.error) return <ErrorBox error={data.error} />;
  if (!data.data) return <Loading what="Evaluating the monitors" />;
  const { suites, withoutSuiteFile } = data.data;
  return (
    <div className="monitor-page">
      <div className="page-head">
        <h1>Monitor</h1>
        <p className="muted small">Production quality per monitor of the suites this viewer was given (`evalspec view --suite FILE`).</p>
      </div>
      {suites.length === 0 && <div className="muted">No monitors: start the viewer with `--suite FILE` for a suite that has `monitors:`.</div>}
      {suites.map((s) => (
        <Section key={s.suite} title={s.suite}>
          <table className="table monitors-table">
            <thead>
              <tr>
                <th>monitor</th>
                <th>state</th>
                <th>open alerts</th>
                <th>scored</th>
                <th>window</th>
                <th>stage</th>
              </tr>
            </thead>
            <tbody>
              {s.monitors.map((m) => (
                <tr key={m.name}>
                  <td>
                    <a href={links.monitor(s.suite, m.name)}>{m.name}</a>
                    {m.description && <div className="muted small">{m.description}</div>}
                  </td>
                  <td>
                    <StateBadge state={m.state} />
                    {m.error && <div className="small error-text">{m.error}</div>}
                  </td>
                  <td>{m.openAlerts}</td>
                  <td>{m.scored ?? 'n/a'}</td>
                  <td>{m.window}</td>
                  <td>{m.stage ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Section>
      ))}
      {withoutSuiteFile.length > 0 && (
        <p className="muted small">
          Production records without a suite file here: {withoutSuiteFile.join(', ')} (give `evalspec view --suite FILE` to see their monitors).
        </p>
      )}
    </div>
  );
}

interface PanelProps {
  s: MetricStatus | PromptLengthStatus | LanguageMixStatus;
  series?: MonitorSeries;
  sentence?: string;
  onSelect: (w: MetricWindow) => void;
  tagHref: (tag: string) => string;
}

function MetricPanel({ s, series, sentence, onSelect, tagHref }: PanelProps) {
  return (
    <div className={`metric-panel metric-${s.state}`} data-metric={s.metric}>
      <div className="metric-head">
        <h3>{METRIC_NAMES[s.metric]}</h3>
        <StateBadge state={s.state} />
      </div>
      {sentence && <p className="evidence small">{sentence}</p>}
      {series && series.points.length > 0 ? (
        <MonitorChart series={series} onSelect={onSelect} />
      ) : (
        <div className="muted small">No series over time for this figure: the current window’s is above.</div>
      )}
      {'segments' in s && s.segments && s.segments.length > 0 && (
        <table className="table segments-table small">
          <thead>
            <tr>
              <th>segment</th>
              <th>share now</th>
              <th>baseline</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {s.segments.map((g) => (
              <tr key={g.segment} className={g.moved ? 'segment-moved' : ''}>
                <td>
                  <a href={tagHref(g.segment)}>{g.segment}</a>
                </td>
                <td>{pct(g.share)}</td>
                <td>{pct(g.baselineShare)}</td>
                <td>{g.moved ? 'moved' : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {'languages' in s && (s.languages.length > 0 || s.unknown > 0) && (
        <table className="table segments-table languages-table small">
          <thead>
            <tr>
              <th>language</th>
              <th>share now</th>
              <th>baseline</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {s.languages.map((l) => (
              <tr key={l.language} className={l.moved ? 'segment-moved' : ''}>
                <td title={l.language}>{l.name}</td>
                <td>{pct(l.share)}</td>
                <td>{pct(l.baselineShare)}</td>
                <td>{l.moved ? 'moved' : ''}</td>
              </tr>
            ))}
            <tr className="muted">
              <td colSpan={4}>{s.unknown.toLocaleString('en-US')} calls of unknown language (too short or ambiguous) are not in the shares</td>
            </tr>
          </tbody>
        </table>
      )}
    </div>
  );
}

function MonitorDetail({ suite, monitor, params }: { suite: string; monitor: string; params: URLSearchParams }) {
  const data = useAsync(() => api.monitor(suite, monitor), [suite, monitor]);
  useEffect(() => {
    if (data.data) performance.mark('evalspec:rendered:monitor');
  }, [data.data]);
  // The records stay reachable when the evaluation fails (a suite file that no longer matches, a store error).
  if (!data.data)
    return (
      <div className="monitor-page">
        <h1>{monitor}</h1>
        {data.error ? <ErrorBox error={data.error} /> : <Loading what="Evaluating the monitor" />}
        <a className="button" href={links.monitorReview(suite, monitor)} data-testid="review-queue-link">
          Review queue
        </a>
        <WindowRecords suite={suite} monitor={monitor} params={params} />
      </div>
    );
  const { status, series, words }: MonitorDetailResponse = data.data;
  const seriesOf = (m: string) => series.find((x) => x.metric === m);
  const select = (w: MetricWindow) => replaceParams({ since: w.start, until: w.end, tag: params.get('tag') ?? undefined });
  const panel = (s: MetricStatus | PromptLengthStatus | LanguageMixStatus) => (
    <MetricPanel
      key={s.metric}
      s={s}
      series={seriesOf(s.metric)}
      sentence={words.metrics[s.metric]}
      onSelect={select}
      tagHref={(tag) => links.monitor(suite, monitor, { tag })}
    />
  );
  return (
    <div className="monitor-page">
      <div className="page-head">
        <div className="crumbs small">
          <a href={links.monitors()}>monitor</a> / {suite}
        </div>
        <h1>{monitor}</h1>
        <p className="status-line" data-testid="status-line">
          {words.statusLine}
        </p>
        <a className="button" href={links.monitorReview(suite, monitor)} data-testid="review-queue-link">
          Review queue: label sampled records (feeds calibrate)
        </a>
      </div>
      {status.openAlerts.length > 0 && (
        <Section title={`Open alerts (${status.openAlerts.length})`}>
          <ul className="alerts-list">
            {status.openAlerts.map((a) => (
              <li key={a.id}>
                <span className="badge badge-fail">{a.metric}</span> opened {when(a.openedAt)} UTC
                {words.alerts[a.id] && <div className="small">{words.alerts[a.id]}</div>}
              </li>
            ))}
          </ul>
        </Section>
      )}
      {words.stage && (
        <p className="small" data-testid="stage-advice">
          {words.stage}
        </p>
      )}
      <div className="monitor-columns">
        <Section title="Quality">{status.metrics.map(panel)}</Section>
        <Section title="Input drift (did the traffic change?)">
          {status.inputDrift.map(panel)}
          {status.promptLength && panel(status.promptLength)}
          {status.languageMix && panel(status.languageMix)}
          {status.inputDrift.length === 0 && !status.promptLength && <div className="muted small">This monitor watches no input metric.</div>}
        </Section>
      </div>
      <WindowRecords suite={suite} monitor={monitor} params={params} />
    </div>
  );
}

function WindowRecords({ suite, monitor, params }: { suite: string; monitor: string; params: URLSearchParams }) {
  const since = params.get('since') ?? undefined;
  const until = params.get('until') ?? undefined;
  const tag = params.get('tag') ?? undefined;
  const failed = params.get('failed') === 'true' ? 'true' : undefined;
  const open = since !== undefined || tag !== undefined;
  const data = useAsync(
    () => (open ? api.productionRecords({ suite, monitor, since, until, tag, failed, limit: 200 }) : Promise.resolve(undefined)),
    [suite, monitor, since, until, tag, failed, open],
  );
  if (!open) return <p className="muted small">Click a point to see the sampled records of its window (failed first).</p>;
  const title = `Records${since ? ` ${when(since)} – ${when(until)} UTC` : ''}${tag ? ` tagged ${tag}` : ''}`;
  return (
    <Section
      title={title}
      id="window-records"
      actions={
        <div className="toolbar small">
          <label>
            <input
              type="checkbox"
              checked={failed === 'true'}
              onChange={(e) => replaceParams({ since, until, tag, failed: e.target.checked ? 'true' : undefined })}
            />{' '}
            failed only
          </label>
          <a href={links.monitor(suite, monitor)}>close</a>
        </div>
      }
    >
      {data.error && <ErrorBox error={data.error} />}
      {!data.data && !data.error && <Loading what="Loading the records" />}
      {data.data && (
        <>
          <table className="table records-table" data-testid="window-records">
            <thead>
              <tr>
                <th>verdict</th>
                <th>started</th>
                <th>model</th>
                <th>output</th>
                <th>latency</th>
                <th>cost</th>
              </tr>
            </thead>
            <tbody>
              {data.data.records.map((r) => (
                <tr key={r.id} data-record={r.id}>
                  <td>
                    {r.score?.status === 'scored' ? <Verdict pass={r.score.passed} /> : <span className="badge">{r.score?.status ?? 'not scored'}</span>}
                    {r.flagged && <span className="badge badge-label"> flagged</span>}
                  </td>
                  <td>
                    <a href={links.productionRecord(r.id, { suite, monitor })}>{when(r.startedAt)}</a>
                  </td>
                  <td className="mono small">{r.model ?? 'n/a'}</td>
                  <td className="record-preview">
                    <PlainText text={r.outputPreview} />
                  </td>
                  <td>{ms(r.latencyMs)}</td>
                  <td>{usd(r.costUsd)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {data.data.records.length === 0 && <div className="muted small">No sampled records in this window.</div>}
          {data.data.truncated && <div className="muted small">Showing the first {data.data.records.length}; narrow with “failed only” or a segment.</div>}
        </>
      )}
    </Section>
  );
}
