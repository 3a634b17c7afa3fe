// Safety (issue #18): the red-team attacks of a run. Per variant, the attack success rate with its exact interval
// and the zero-tolerance statement, the plugin × strategy matrix (cells: rate and interval, coloured by rate, linked
// to the cases), the rate per OWASP id and the worst successful attacks; first, the paired comparison of the variants.
// The figures and sentences are the run report's (GET /api/runs/:id/safety): the same as the terminal and Markdown.
import { useEffect } from 'react';
import { api, type AttackRateView, type SafetyVariantView, type SafetyView } from '../api';
import { useAsync } from '../hooks';
import { CiBar, ErrorBox, Loading, PlainText, Section } from '../components/common';
import { ciText, int, pct, rateColour } from '../format';
import { links } from '../router';

/** Attack success rate → colour: 0% green, 100% red (the pass-rate scale, reversed). */
export const attackColour = (rate: number | null): string => rateColour(rate === null ? null : 1 - rate);

/** An upper bound rounded up at 0.1 point, so "≤" stays true (as report/safety-render.ts's boundPct prints it). */
const boundText = (x: number): string => `${(Math.ceil(x * 1000 - 1e-9) / 10).toFixed(1)}%`;

function rateTitle(r: AttackRateView, what: string): string {
  const errored = r.errored ? `, ${r.errored} errored (left out)` : '';
  if (r.attacks === 0) return `${what}: no attack judged${errored}`;
  return `${what}: ${r.successes} of ${r.attacks} attacks succeeded, ${pct(r.rate)} (${r.interval ? `${Math.round(r.interval.level * 100)}% CI ${ciText(r.interval)}, ${r.interval.method}` : 'no interval'})${errored}`;
}

function Matrix({ runId, variant }: { runId: string; variant: SafetyVariantView }) {
  const strategies = variant.byStrategy.map((s) => s.key);
  return (
    <div className="heatmap-wrap">
      <table className="heatmap safety-matrix" aria-label={`attack success rate per plugin and strategy, ${variant.id}`}>
        <thead>
          <tr>
            <th>plugin \ strategy</th>
            {strategies.map((s) => (
              <th key={s} className="heat-variant">
                {s}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {variant.byPlugin.map((p) => (
            <tr key={p.key}>
              <th className="heat-segment">{p.key}</th>
              {strategies.map((s) => {
                const cell = variant.cells.find((c) => c.plugin === p.key && c.strategy === s);
                if (!cell) return <td key={s} className="heat-cell muted" />;
                return (
                  <td
                    key={s}
                    className="heat-cell"
                    data-cell={`${p.key}|${s}`}
                    style={{ backgroundColor: attackColour(cell.rate) }}
                    title={rateTitle(cell, `${p.key} × ${s}`)}
                  >
                    <a href={links.run(runId, { segment: `plugin:${p.key}`, variant: variant.id, outcome: 'fail' })}>
                      <span className="heat-rate">{cell.attacks ? `${cell.successes}/${cell.attacks} · ${pct(cell.rate, 0)}` : 'n/a'}</span>
                      <span className="heat-ci">{ciText(cell.interval, 0)}</span>
                    </a>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <div className="legend small muted">
        cells: successful / judged attacks · attack success rate · exact (Clopper–Pearson) interval; colour: green 0%, amber 50%, red 100%
      </div>
    </div>
  );
}

function VariantSection({ runId, safety, variant, statement }: { runId: string; safety: SafetyView; variant: SafetyVariantView; statement: string }) {
  const o = variant.overall;
  return (
    <Section title={`Attacks on ${variant.id}`}>
      <p className="safety-overall">
        <CiBar rate={o.rate} ci={o.interval} /> <strong>{pct(o.rate)}</strong> attack success rate: {int(o.successes)} of {int(o.attacks)} attacks succeeded (
        {Math.round(safety.level * 100)}% CI {ciText(o.interval)}, Clopper–Pearson){o.errored ? `; ${int(o.errored)} errored (left out)` : ''}
      </p>
      <p className="safety-statement">{statement}</p>
      <Matrix runId={runId} variant={variant} />
      {variant.byOwasp.length > 0 && (
        <table className="table compact" aria-label={`attack success rate per OWASP id, ${variant.id}`}>
          <thead>
            <tr>
              <th>OWASP LLM Top 10 (2025)</th>
              <th className="num">attacks</th>
              <th className="num">succeeded</th>
              <th className="num">rate</th>
              <th className="num">exact CI</th>
              <th className="num">upper bound</th>
            </tr>
          </thead>
          <tbody>
            {variant.byOwasp.map((g) => (
              <tr key={g.key}>
                <td>{g.key}</td>
                <td className="num">{int(g.attacks)}</td>
                <td className="num">{int(g.successes)}</td>
                <td className="num">{pct(g.rate)}</td>
                <td className="num">{ciText(g.interval)}</td>
                <td className="num">{g.upperBound ? `≤ ${boundText(g.upperBound.high)}` : 'n/a'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {variant.worst.length > 0 && (
        <>
          <h3>Worst successful attacks</h3>
          <ol className="safety-worst">
            {variant.worst.map((w) => (
              <li key={w.caseId} data-case={w.caseId}>
                <a href={links.case(runId, w.caseId, { variant: variant.id })}>{w.caseId}</a>{' '}
                <span className="muted">
                  {w.plugin} · {w.strategy} · {w.criticalFailures} failed critical check{w.criticalFailures === 1 ? '' : 's'}
                </span>
                {w.reasons[0] && <div className="small">{w.reasons[0]}</div>}
                <PlainText text={w.output} />
              </li>
            ))}
          </ol>
          {variant.worstOmitted > 0 && <p className="muted small">… {int(variant.worstOmitted)} more successful attacks</p>}
        </>
      )}
    </Section>
  );
}

export function SafetyPage({ runId }: { runId: string }) {
  const state = useAsync(() => api.safety(runId), [runId]);
  useEffect(() => {
    document.title = `Safety · ${runId} · evalspec`;
  }, [runId]);
  if (state.error) return <ErrorBox error={state.error} />;
  if (!state.data) return <Loading what="Computing the safety figures" />;
  const { safety, sentences } = state.data;
  if (!safety)
    return (
      <Section title="Safety">
        <p className="muted">
          This run has no red-team cases (cases tagged redteam). Add a redteam: block to the suite, write the attacks with evalspec redteam generate SUITE and
          run them with --suite-part redteam.
        </p>
      </Section>
    );
  return (
    <div className="safety-page">
      <Section title={`Safety: ${int(safety.attackCases)} red-team cases`}>
        <p className="muted small">{safety.rule}</p>
      </Section>
      {sentences.comparisons.length > 0 && (
        <Section title="Paired on the same attacks">
          <ul className="safety-comparisons">
            {sentences.comparisons.map((s) => (
              <li key={s}>{s}</li>
            ))}
          </ul>
        </Section>
      )}
      {safety.variants.map((v) => (
        <VariantSection key={v.id} runId={runId} safety={safety} variant={v} statement={sentences.statements[v.id] ?? ''} />
      ))}
    </div>
  );
}
