// The report's own run-level sections, rendered when present: quality bars (met / not met / inconclusive
// with the confidence bound), comparisons with the baseline (paired difference, interval, Holm-adjusted p).
import { asArray, type BarLike, type ComparisonLike } from '../report-types';
import { links } from '../router';
import { num, pct, pValue, signedPts } from '../format';
import { ValueView } from './common';

const isRate = (b: BarLike) => b.metric === null || b.metric === undefined || b.metric === 'pass_rate' || b.kind === 'max_rate' || b.kind === 'compare';

function verdictClass(v: string | undefined): 'met' | 'failed' | 'inconclusive' {
  if (v === 'met') return 'met';
  if (v === 'inconclusive') return 'inconclusive';
  return 'failed';
}

export function BarsSection({ bars }: { bars: unknown }) {
  const list = asArray<BarLike>(bars);
  if (list.length === 0) return <p className="muted">The suite sets no quality bars.</p>;
  const counts = { met: 0, failed: 0, inconclusive: 0 };
  for (const b of list) counts[verdictClass(b.verdict)]++;
  const fmt = (b: BarLike, x: number | null | undefined) =>
    x === null || x === undefined ? 'n/a' : b.kind === 'compare' ? signedPts(x) : isRate(b) ? pct(x) : num(x);
  return (
    <div>
      <div className="bar-counts">
        <span className="badge badge-pass">{counts.met} met</span> <span className="badge badge-fail">{counts.failed} not met</span>{' '}
        <span className="badge badge-inconclusive">{counts.inconclusive} inconclusive</span>
      </div>
      <div className="bar-cards">
        {list.map((b, i) => {
          const cls = verdictClass(b.verdict);
          return (
            <div key={i} className={`bar-card bar-${cls}`} data-bar-status={cls}>
              <div className="bar-card-head">
                <span className={`badge badge-${cls === 'met' ? 'pass' : cls === 'failed' ? 'fail' : 'inconclusive'}`}>
                  {(b.verdict ?? 'unknown').replace('_', ' ')}
                </span>{' '}
                <strong>{b.text ?? b.description ?? `bar ${i + 1}`}</strong>
              </div>
              <div className="small">
                <span className="muted">variant</span> {b.variant ?? 'n/a'}
                {b.baseline && (
                  <>
                    {' '}
                    <span className="muted">vs</span> {b.baseline}
                  </>
                )}
                {b.segment && (
                  <>
                    {' '}
                    · <span className="muted">segment</span> {b.segment}
                  </>
                )}{' '}
                · <span className="muted">observed</span> <strong>{fmt(b, b.point)}</strong> ·{' '}
                <span className="muted">{Math.round((b.level ?? 0.95) * 100)}% bound</span>{' '}
                {b.bound ? `${fmt(b, b.bound.low)} – ${fmt(b, b.bound.high)}` : 'n/a'} · n = {b.n ?? 'n/a'}
              </div>
              {b.description && b.text && <div className="small muted">{b.description}</div>}
              {b.explanation && <div className="small bar-explanation">{b.explanation}</div>}
              {b.verdict !== 'met' && b.casesNeeded ? (
                <div className="small muted">
                  ≈ {b.casesNeeded} cases would settle it{b.casesNeededNote ? ` (${b.casesNeededNote})` : ''}
                </div>
              ) : null}
            </div>
          );
        })}
      </div>
    </div>
  );
}

export function ComparisonsSection({ runId, comparisons }: { runId: string; comparisons: unknown }) {
  const list = asArray<ComparisonLike>(comparisons);
  if (list.length === 0) return <p className="muted">One variant only: nothing to compare.</p>;
  return (
    <div>
      <table className="table comparisons-table">
        <thead>
          <tr>
            <th>variant vs baseline</th>
            <th className="num">cases</th>
            <th className="num">baseline</th>
            <th className="num">variant</th>
            <th className="num">difference</th>
            <th>95% CI</th>
            <th className="num">p (Holm)</th>
            <th className="num">McNemar flips</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {list.map((c, i) => (
            <tr key={i} data-comparison={`${c.baseline}..${c.variant}`}>
              <td>
                <strong>{c.variant}</strong> <span className="muted">vs</span> {c.baseline}
                {c.sentence && <div className="small muted comparison-sentence">{c.sentence}</div>}
              </td>
              <td className="num">{c.n ?? 'n/a'}</td>
              <td className="num">{pct(c.baselinePassRate)}</td>
              <td className="num">{pct(c.variantPassRate)}</td>
              <td className={`num strong ${c.detected ? ((c.difference ?? 0) > 0 ? 'good' : 'bad') : ''}`}>{signedPts(c.difference)}</td>
              <td className="nowrap">{c.interval ? `${signedPts(c.interval.low)} to ${signedPts(c.interval.high)}` : 'n/a'}</td>
              <td className="num">{pValue(c.pValueHolm ?? c.pValue)}</td>
              <td className="num nowrap">{c.mcnemar ? `+${c.mcnemar.onlyVariantPassed} / −${c.mcnemar.onlyBaselinePassed}` : 'n/a'}</td>
              <td>
                {c.baseline && c.variant && (
                  <a href={links.compare({ runA: runId, variantA: c.baseline, variantB: c.variant, only: 'flipped' })} className="small">
                    see the flipped cases
                  </a>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="small muted">
        Paired on the same cases ({list[0]?.test ?? 'paired-t'}); the interval is for the difference. Holm-adjusted over this run's comparisons.
      </p>
    </div>
  );
}

export function GenericSection({ value }: { value: unknown }) {
  const list = Array.isArray(value) ? value : [value];
  return (
    <div className="generic-section">
      {list.map((item, i) => (
        <div key={i} className="generic-item">
          <ValueView value={item} />
        </div>
      ))}
    </div>
  );
}
