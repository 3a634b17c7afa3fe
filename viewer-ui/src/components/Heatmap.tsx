// Variant × segment pass rates. Colour = pass rate; a hatched cell has an interval wider than 25 points, so
// its colour is not to be trusted (too few cases).
import type { SegmentRow, StoredVariant } from '../api';
import { ciText, pct, rateColour } from '../format';
import { links } from '../router';

export function Heatmap({ runId, rows, variants }: { runId: string; rows: SegmentRow[]; variants: StoredVariant[] }) {
  if (rows.length === 0) return <p className="muted">No case carries a tag: tag cases (e.g. "segment:enterprise") to see pass rates per segment.</p>;
  return (
    <div className="heatmap-wrap">
      <table className="heatmap" aria-label="pass rate per segment and variant">
        <thead>
          <tr>
            <th>segment</th>
            <th className="num">cases</th>
            {variants.map((v) => (
              <th key={v.id} className="heat-variant" title={v.model}>
                {v.id}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.segment}>
              <th className="heat-segment">
                <a href={links.run(runId, { segment: row.segment })} title="show these results">
                  {row.segment}
                </a>
              </th>
              <td className="num muted">{row.cases}</td>
              {row.cells.map((cell) => (
                <td
                  key={cell.variantId}
                  className={`heat-cell ${cell.wide ? 'heat-wide' : ''}`}
                  style={{ backgroundColor: rateColour(cell.passRate) }}
                  title={`${row.segment} · ${cell.variantId}: ${pct(cell.passRate)} (95% CI ${ciText(cell.ci)}${cell.ci ? `, ${cell.ci.method}` : ''}), ${cell.cases} cases${cell.warning ? ` — ${cell.warning}` : cell.wide ? ' — interval wider than 25 points' : ''}`}
                  data-wide={cell.wide ? 'true' : 'false'}
                >
                  <a href={links.run(runId, { segment: row.segment, variant: cell.variantId })}>
                    <span className="heat-rate">{pct(cell.passRate, 0)}</span>
                    <span className="heat-ci">{ciText(cell.ci, 0)}</span>
                  </a>
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <div className="legend small muted">
        <span className="legend-swatch" style={{ backgroundColor: rateColour(0) }} /> 0%
        <span className="legend-swatch" style={{ backgroundColor: rateColour(0.5) }} /> 50%
        <span className="legend-swatch" style={{ backgroundColor: rateColour(1) }} /> 100%
        <span className="legend-swatch heat-wide" style={{ backgroundColor: rateColour(0.7) }} /> hatched: too few cases to trust the colour (95% interval wider
        than 25 points, or the report flags the segment)
      </div>
    </div>
  );
}
