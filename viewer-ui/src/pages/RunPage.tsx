// One run: per-variant summary with intervals, quality bars, the segment heatmap and every result.
import { useEffect } from 'react';
import { api, type Facets, type ReportResponse, type RunResponse } from '../api';
import { useAsync, type Async } from '../hooks';
import { links, replaceParams } from '../router';
import { CiBar, ErrorBox, Loading, Section } from '../components/common';
import { Heatmap } from '../components/Heatmap';
import { BarsSection, ComparisonsSection } from '../components/ReportSections';
import { PassKTable } from '../components/PassKTable';
import { FilterBar, ResultsTable, filtersFrom, type ResultFilters } from '../components/ResultsTable';
import { ciText, int, ms, num, pct, usd, when } from '../format';

/** Filters before the run's figures arrive: outcome, severity, labelled and search work at once; the lists fill in. */
const NO_FACETS: Facets = { variants: [], checks: [], segments: [], errorClasses: [] };

export function RunPage({ runId, params }: { runId: string; params: URLSearchParams }) {
  const run = useAsync(() => api.run(runId), [runId]);
  // The full report (comparisons, bars, the report's own segments) takes longer on a big run: it fills in after the first render.
  const full = useAsync(() => api.report(runId), [runId]);
  const filters = filtersFrom(params);
  useEffect(() => {
    document.title = `${runId} · evalspec`;
  }, [runId]);
  useEffect(() => {
    if (run.data) performance.mark('evalspec:rendered:run');
  }, [run.data]);
  if (run.error) return <ErrorBox error={run.error} />;
  const data = run.data && run.data.run.id === runId ? run.data : undefined;
  const onFilters = (f: ResultFilters) => replaceParams(f as Record<string, string | undefined>);
  // The results table does not wait for the run's figures (seconds on a 1,000,000-result run, issue #22): a page of
  // results is one indexed query, so the table and its filters are live while the summary and heatmap are computed.
  return (
    <div className="run-page">
      {data ? <RunOverview runId={runId} data={data} full={full} filters={filters} /> : <Loading what="Loading the run" />}
      <Section title="Results" id="results">
        <FilterBar facets={data?.facets ?? NO_FACETS} filters={filters} onChange={onFilters} />
        <ResultsTable runId={runId} filters={filters} height="max(420px, calc(100vh - 260px))" />
      </Section>
    </div>
  );
}

/** The run's description, summary, report sections and heatmap: what needs the run's figures. */
function RunOverview({ runId, data, full, filters }: { runId: string; data: RunResponse; full: Async<ReportResponse>; filters: ResultFilters }) {
  const { run: info, summary } = data;
  const report = full.data?.report.runId === runId ? full.data.report : undefined;
  const heatmap = (report && full.data?.heatmap) || data.heatmap;
  return (
    <>
      <div className="page-head">
        <h1>
          {info.suiteName} {info.label && <span className="run-label">{info.label}</span>}
        </h1>
        <div className="meta small">
          <span className="mono">{info.id}</span> · <span className={`status status-${info.state}`}>{info.state}</span> · started {when(info.startedAt)} UTC
          {info.endedAt && ` · ended ${when(info.endedAt)}`} · {info.repeat} repeat{info.repeat > 1 ? 's' : ''} · {int(data.results)} results
          {info.gitCommit && (
            <>
              {' '}
              · git <span className="mono">{info.gitCommit.slice(0, 10)}</span>
              {info.gitBranch ? ` (${info.gitBranch})` : ''}
            </>
          )}{' '}
          · {data.labels} labels
        </div>
        {info.resume && (
          <p className="small warn-text" data-testid="run-interrupted">
            This run was interrupted (its process is gone): the figures are its results stored so far. Finish it with <code>{info.resume}</code>
          </p>
        )}
      </div>

      <Section
        title="Variants"
        actions={
          <div className="toolbar">
            <a className="button" href={links.pareto(runId)}>
              Cost–quality chart
            </a>
            {info.variants.length >= 2 && (
              <a className="button" href={links.compare({ runA: runId, variantA: info.variants[0].id, variantB: info.variants[1].id })}>
                Compare variants
              </a>
            )}
            <a className="button button-primary" href={links.review(runId)}>
              Review outputs
            </a>
            {/* Always offered (probing GET /api/playground would log a 404 on every viewer without --playground); the page says how to turn it on. */}
            <a className="button" href={links.playground(runId)} data-testid="try-in-playground">
              Try in playground
            </a>
          </div>
        }
      >
        <table className="table variants-table">
          <thead>
            <tr>
              <th>variant</th>
              <th className="num">cases</th>
              <th>pass rate with 95% CI</th>
              <th className="num">pass rate</th>
              <th>95% CI</th>
              <th className="num">mean score</th>
              <th className="num">errors</th>
              <th className="num">tokens in/out</th>
              <th className="num" title="what this run paid (a cache hit costs $0)">
                cost paid
              </th>
              <th className="num" title="the same calls at list price (a cache hit priced from its tokens)">
                list cost
              </th>
              <th className="num">p50 / p95 latency</th>
            </tr>
          </thead>
          <tbody>
            {(report?.variants ?? summary).map((v) => (
              <tr key={v.id} data-variant={v.id}>
                <td>
                  <a href={links.run(runId, { ...filters, variant: v.id })}>{v.id}</a>
                  <div className="muted small">{v.model}</div>
                </td>
                <td className="num">{int(v.cases)}</td>
                <td>
                  <CiBar rate={v.passRate} ci={v.passRateCi} width={220} />
                </td>
                <td className="num strong">{pct(v.passRate)}</td>
                <td className="nowrap" title={v.passRateCi?.method}>
                  {ciText(v.passRateCi)}
                </td>
                <td className="num">{num(v.meanScore)}</td>
                <td className="num">{v.errors ? <a href={links.run(runId, { variant: v.id, outcome: 'error' })}>{v.errors}</a> : 0}</td>
                <td className="num nowrap">
                  {int(v.tokens.input)} / {int(v.tokens.output)}
                </td>
                <td className="num">{usd(v.costUsd)}</td>
                <td className="num">{usd(v.listCostUsd)}</td>
                <td className="num nowrap">
                  {ms(v.latencyMs.p50)} / {ms(v.latencyMs.p95)}
                  {v.latencyMs.streamed > 0 && (
                    <div
                      className="muted small"
                      data-testid="ttft"
                      title={`over ${v.latencyMs.streamed} streamed calls; decode tokens/s = output tokens ÷ (latency − TTFT)`}
                    >
                      TTFT {ms(v.latencyMs.ttftP50)} / {ms(v.latencyMs.ttftP95)}
                      {v.latencyMs.decodeTokensPerSecond !== null && ` · ${Math.round(v.latencyMs.decodeTokensPerSecond)} tok/s`}
                    </div>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {full.error && <ErrorBox error={full.error} />}
        {!report && !full.error && <div className="small muted">computing comparisons, bars and segments…</div>}
        {report && report.warnings.length > 0 && (
          <ul className="warnings">
            {report.warnings.map((w, i) => (
              <li key={i}>{w}</li>
            ))}
          </ul>
        )}
      </Section>

      {report?.variants.some((v) => v.passHatK?.length) && (
        <Section title={`Does it work every time? pass^k over ${report.repeat} repeats`} id="pass-k">
          <PassKTable variants={report.variants} />
        </Section>
      )}

      {report && Array.isArray(report.bars) && (
        <Section title="Quality bars" id="bars">
          <BarsSection bars={report.bars} />
        </Section>
      )}

      {report && Array.isArray(report.comparisons) && report.comparisons.length > 0 && (
        <Section title="Compared with the baseline" id="comparisons">
          <ComparisonsSection runId={runId} comparisons={report.comparisons} />
        </Section>
      )}

      <Section title="Pass rate by segment" id="heatmap">
        <Heatmap runId={runId} rows={heatmap} variants={info.variants} />
      </Section>
    </>
  );
}
