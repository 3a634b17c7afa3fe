// A/B experiments (#17): the experiment files given with `view --experiment`, then one scorecard: the verdict and its
// sentences, the sample ratio check (which blocks the reading when it fires), per metric the effect per treatment arm
// with the fixed-horizon and sequential intervals and the day-by-day chart of the interval narrowing, guardrails,
// offline vs online (the suite's paired pass-rate difference beside the online effect), and the data quality counts.
// Every figure is the server's scorecard (experiment/analyze.ts); the page only lays it out.
import { useEffect } from 'react';
import { api, type ArmComparison, type MetricResult, type MetricType, type OfflineLink, type Scorecard } from '../api';
import { useAsync } from '../hooks';
import { links } from '../router';
import { ErrorBox, Loading, Section } from '../components/common';
import { ExperimentChart } from '../components/ExperimentChart';
import { NOTE_TEXT, VERDICT_TEXT, effectValue, intervalText, levelValue, relativeText, verdictClass } from '../experiment-format';
import { int, pValue } from '../format';

export function ExperimentPage({ name }: { name?: string }) {
  useEffect(() => {
    document.title = `Experiments${name ? ` · ${name}` : ''} · evalspec`;
  }, [name]);
  return name ? <ExperimentDetail name={name} /> : <ExperimentList />;
}

function ExperimentList() {
  const data = useAsync(() => api.experiments(), []);
  if (data.error) return <ErrorBox error={data.error} />;
  if (!data.data) return <Loading what="Analysing the experiments" />;
  const { experiments } = data.data;
  if (experiments.length === 0)
    return (
      <div className="muted">
        No experiment file given. Start the viewer with <code>evalspec view --experiment exp.yaml</code> (repeatable).
      </div>
    );
  return (
    <Section title="Experiments">
      <table className="table experiments-table">
        <thead>
          <tr>
            <th>experiment</th>
            <th>verdict</th>
            <th>users</th>
            <th>file</th>
          </tr>
        </thead>
        <tbody>
          {experiments.map((e) => (
            <tr key={e.file} data-experiment={e.name}>
              <td>{e.error ? e.name : <a href={links.experiment(e.name)}>{e.name}</a>}</td>
              <td>
                {e.error ? (
                  <span className="error-text">
                    {e.error.message}
                    {e.error.fix && <div className="muted small">fix: {e.error.fix}</div>}
                  </span>
                ) : (
                  <span className={`badge ${verdictClass(e.verdict)}`}>{e.verdict && VERDICT_TEXT[e.verdict]}</span>
                )}
              </td>
              <td className="num">{int(e.units)}</td>
              <td className="mono small">{e.file}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Section>
  );
}

function ExperimentDetail({ name }: { name: string }) {
  const data = useAsync(() => api.experiment(name), [name]);
  if (data.error) return <ErrorBox error={data.error} />;
  if (!data.data) return <Loading what="Analysing the experiment" />;
  const s = data.data;
  return (
    <div className="experiment-page">
      <p className="breadcrumb">
        <a href={links.experiments()}>Experiments</a> / {s.name}
      </p>
      <h1>
        {s.name}{' '}
        <span className={`badge ${verdictClass(s.verdict)}`} data-testid="experiment-verdict">
          {VERDICT_TEXT[s.verdict]}
        </span>
      </h1>
      <p className="muted small">
        unit {s.unit} · {s.arms.map((a) => `${a.id} ${int(a.units)} (planned ${(a.weight * 100).toFixed(0)}%)`).join(' · ')} ·{' '}
        {s.period.start?.slice(0, 10) ?? 'n/a'} to {s.period.end?.slice(0, 10) ?? 'n/a'} · {Math.round(s.analysis.level * 100)}% intervals,{' '}
        {s.analysis.correction} across metrics × arms, decisions by the {s.analysis.sequential ? 'sequential (always-valid)' : 'fixed-horizon'} interval
      </p>
      <ul className="experiment-messages" data-testid="experiment-messages">
        {s.messages.map((m, i) => (
          <li key={i}>{m}</li>
        ))}
      </ul>
      <SrmSection srm={s.srm} arms={s.arms.map((a) => a.id)} />
      {s.metrics.map((m) => (
        <MetricSection key={m.id} metric={m} blocked={s.srm.fired} />
      ))}
      <GuardrailSection scorecard={s} />
      {s.offline && <OfflineSection offline={s.offline} type={s.metrics[0]?.type ?? 'proportion'} metric={s.metrics[0]?.id ?? ''} />}
      <DataQualitySection scorecard={s} />
    </div>
  );
}

function SrmSection({ srm, arms }: { srm: Scorecard['srm']; arms: string[] }) {
  return (
    <Section title="Sample ratio check">
      <div className={`srm ${srm.fired ? 'srm-fired' : 'srm-ok'}`} data-testid="srm-status" data-fired={String(srm.fired)}>
        <span className={`badge ${srm.fired ? 'badge-fail' : 'badge-pass'}`}>{srm.fired ? 'SRM: do not read the effects' : 'allocation as planned'}</span>{' '}
        {arms.map((a, i) => `${a} ${int(srm.counts[i])} (${((srm.plannedShares[i] ?? 0) * 100).toFixed(0)}% planned)`).join(' · ')} · χ²{' '}
        {srm.chi2 === null ? 'n/a' : srm.chi2.toFixed(2)}, p = {srm.p === null ? 'n/a' : srm.p.toPrecision(2)}{' '}
        <span className="muted small">({srm.method})</span>
        {srm.message && <p className="srm-message">{srm.message}</p>}
      </div>
    </Section>
  );
}

function ComparisonRow({ c, type, label }: { c: ArmComparison; type: MetricType; label: string }) {
  const deciding = c.deciding === 'sequential' ? c.sequential?.absolute : c.effect.absolute;
  return (
    <tr data-arm={c.arm} data-row={label}>
      <td>{label}</td>
      <td className="num">{effectValue(type, c.effect.absolute?.estimate)}</td>
      <td className="num">{intervalText(type, c.effect.absolute)}</td>
      <td className="num">{intervalText(type, c.sequential?.absolute)}</td>
      <td className="num">{relativeText(c.effect.relative)}</td>
      <td className="num">{pValue(c.adjustedP)}</td>
      <td>
        {c.conclusion ?? 'n/a'}{' '}
        <span className="muted small">
          (by the {c.deciding} interval{deciding ? '' : ', not computable'})
        </span>
        {c.effect.note && <div className="muted small">{NOTE_TEXT[c.effect.note]}</div>}
        {c.cuped && (
          <div className="muted small">
            CUPED: variance {c.cuped.varianceReduction === null ? 'n/a' : `−${(c.cuped.varianceReduction * 100).toFixed(0)}%`}, raw{' '}
            {effectValue(type, c.raw.absolute?.estimate)} ({intervalText(type, c.raw.absolute)}), {int(c.cuped.unitsWithoutCovariate)} users without a
            pre-period value
          </div>
        )}
      </td>
    </tr>
  );
}

function MetricSection({ metric: m, blocked }: { metric: MetricResult; blocked: boolean }) {
  return (
    <Section title={`${m.id}${m.higherIsBetter ? '' : ' (lower is better)'}`} id={`metric-${m.id}`}>
      <div className="experiment-metric" data-metric={m.id}>
        <p className="muted small">
          {m.definition}
          {m.covariate && ` · CUPED with ${m.covariate}`} · {m.arms.map((a) => `${a.arm} ${levelValue(m.type, a.mean)} (n ${int(a.n)})`).join(' · ')}
        </p>
        {blocked && <p className="error-text">The sample ratio check fired: these effects are shown but must not be read.</p>}
        <table className="table effects-table">
          <thead>
            <tr>
              <th>arm vs control</th>
              <th>effect</th>
              <th>fixed-horizon CI</th>
              <th>sequential CI</th>
              <th>relative (CI)</th>
              <th>adjusted p</th>
              <th>conclusion</th>
            </tr>
          </thead>
          <tbody>
            {m.comparisons.map((c) => (
              <ComparisonRow key={c.arm} c={c} type={m.type} label={`${c.arm} vs ${c.control}`} />
            ))}
            {m.segments.flatMap((seg) =>
              seg.comparisons.map((c) => (
                <ComparisonRow
                  key={`${seg.segment}:${c.arm}`}
                  c={c}
                  type={m.type}
                  label={`${seg.segment}${seg.tooSmall ? ' (too small to judge)' : ''}: ${c.arm}`}
                />
              )),
            )}
          </tbody>
        </table>
        {m.novelty.map((n) => (
          <p key={n.arm} className="small novelty" data-arm={n.arm}>
            Novelty ({n.arm}): effect among users first exposed in the first {n.days} days {effectValue(m.type, n.early.absolute?.estimate)}, later{' '}
            {effectValue(m.type, n.late.absolute?.estimate)}; difference {intervalText(m.type, n.difference)}
            {n.detected === true ? ' — a novelty effect: the early lift fades' : n.detected === false ? ' — no novelty effect detected' : ''}.
          </p>
        ))}
        {m.series.map((series) => (
          <div key={series.arm}>
            <h3 className="small">{series.arm}: the effect day by day, as it looked that day</h3>
            <ExperimentChart points={series.points} type={m.type} metric={m.id} arm={series.arm} />
          </div>
        ))}
      </div>
    </Section>
  );
}

function GuardrailSection({ scorecard }: { scorecard: Scorecard }) {
  if (scorecard.guardrails.length === 0) return null;
  return (
    <Section title="Guardrails">
      <table className="table guardrails-table">
        <thead>
          <tr>
            <th>guardrail</th>
            <th>arm</th>
            <th>effect (CI)</th>
            <th>bar</th>
            <th>verdict</th>
          </tr>
        </thead>
        <tbody>
          {scorecard.guardrails.flatMap((g) =>
            g.comparisons.map((c) => {
              const e = g.relative ? c.effect.relative : c.effect.absolute;
              const shown = g.relative ? relativeText(e) : `${effectValue(g.type, e?.estimate)} (${intervalText(g.type, e)})`;
              return (
                <tr key={`${g.metric}:${c.arm}`} data-guardrail={g.metric}>
                  <td>{g.metric}</td>
                  <td>{c.arm}</td>
                  <td className="num">{shown}</td>
                  <td>
                    not {g.higherIsBetter ? 'lower' : 'higher'} by more than{' '}
                    {g.relative ? `${(g.maxWorse * 100).toFixed(1)}%` : effectValue(g.type, g.maxWorse)}
                  </td>
                  <td>
                    <span className={`badge ${c.verdict === 'met' ? 'badge-pass' : c.verdict === 'not-met' ? 'badge-fail' : ''}`}>{c.verdict ?? 'n/a'}</span>
                  </td>
                </tr>
              );
            }),
          )}
        </tbody>
      </table>
    </Section>
  );
}

const AGREE_TEXT = { yes: 'agree', no: 'DISAGREE', unclear: 'unclear' } as const;

function OfflineSection({ offline, type, metric }: { offline: OfflineLink; type: MetricType; metric: string }) {
  return (
    <Section title="Offline vs online">
      <p className="muted small">
        Offline: the suite {offline.suite ?? 'n/a'}’s paired pass-rate difference (treatment − control variant, same cases). Online: {metric}, by the deciding
        interval. They agree when both intervals exclude 0 on the side that means better.
      </p>
      {offline.note && <p className="warning-text">{offline.note}</p>}
      <table className="table offline-table">
        <thead>
          <tr>
            <th>arm</th>
            <th>variants</th>
            <th>offline pass rate (CI)</th>
            <th>online {metric} (CI)</th>
            <th>direction</th>
          </tr>
        </thead>
        <tbody>
          {offline.comparisons.flatMap((c) => [
            <tr key={c.arm} data-arm={c.arm} data-agree={c.agree}>
              <td>
                {c.arm}{' '}
                <a className="muted small" href={links.run(c.runIds.treatment)}>
                  run
                </a>
              </td>
              <td className="mono small">
                {c.variants.treatment} vs {c.variants.control}
              </td>
              <td className="num">
                {c.difference ? `${effectValue('proportion', c.difference.estimate)} (${intervalText('proportion', c.difference)})` : 'n/a'}
              </td>
              <td className="num">{c.online ? `${effectValue(type, c.online.estimate)} (${intervalText(type, c.online)})` : 'n/a'}</td>
              <td>
                <span className={`badge ${c.agree === 'yes' ? 'badge-pass' : c.agree === 'no' ? 'badge-fail' : ''}`}>{AGREE_TEXT[c.agree]}</span>
              </td>
            </tr>,
            ...c.segments.map((seg) => (
              <tr key={`${c.arm}:${seg.segment}`} data-arm={c.arm} data-segment={seg.segment} data-agree={seg.agree}>
                <td className="small">· {seg.segment}</td>
                <td />
                <td className="num">
                  {seg.difference ? `${effectValue('proportion', seg.difference.estimate)} (${intervalText('proportion', seg.difference)})` : 'n/a'}
                </td>
                <td className="num">{seg.online ? `${effectValue(type, seg.online.estimate)} (${intervalText(type, seg.online)})` : 'n/a'}</td>
                <td>
                  <span className={`badge ${seg.agree === 'yes' ? 'badge-pass' : seg.agree === 'no' ? 'badge-fail' : ''}`}>{AGREE_TEXT[seg.agree]}</span>
                </td>
              </tr>
            )),
          ])}
        </tbody>
      </table>
    </Section>
  );
}

function DataQualitySection({ scorecard }: { scorecard: Scorecard }) {
  const dq = scorecard.dataQuality;
  return (
    <Section title="Data quality">
      <p className="muted small">
        {int(dq.exposureRows)} exposure rows · {int(dq.outcomeRows)} outcome rows · {int(dq.preRows)} pre-period rows
      </p>
      {dq.issues.length === 0 ? (
        <p className="small">No problem found in the data.</p>
      ) : (
        <table className="table data-quality-table">
          <thead>
            <tr>
              <th>problem</th>
              <th>count</th>
              <th>what was done</th>
              <th>fix</th>
              <th>first places</th>
            </tr>
          </thead>
          <tbody>
            {dq.issues.map((i) => (
              <tr key={i.kind} data-issue={i.kind}>
                <td>{i.kind}</td>
                <td className="num">
                  {int(i.count)} {i.unit}
                </td>
                <td>{i.action}</td>
                <td>{i.hint}</td>
                <td className="small mono">
                  {i.examples.map((e, k) => (
                    <div key={k}>
                      {e.file}
                      {e.row !== null ? `:${e.row}` : ''} {e.detail}
                    </div>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}
