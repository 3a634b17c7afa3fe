// The run page's segment heatmap: variant × tag pass rates with intervals, from the report's own segments
// section when it has one, else computed from the run's index (case tags).
import type { Interval } from '../stats/index.js';
import { passRateOf } from './run-summary.js';
import type { RunIndex } from './run-index.js';
import { WIDE_INTERVAL, type ReportView, type SegmentRow } from './types.js';

/**
 * The heatmap from the report's own `segments` section when it has one (its intervals and its "too small /
 * too wide" warnings, which then hatch the cell), else undefined.
 */
export function fromReportSegments(report: ReportView, variantIds: string[]): SegmentRow[] | undefined {
  const segments = report.segments;
  if (!Array.isArray(segments) || segments.length === 0) return undefined;
  const rows: SegmentRow[] = [];
  for (const seg of segments as { tag?: unknown; cases?: unknown; variants?: unknown }[]) {
    if (typeof seg?.tag !== 'string' || !Array.isArray(seg.variants)) return undefined;
    const byId = new Map(
      (seg.variants as { id: string; cases?: number; passRate?: number | null; passRateCi?: Interval | null; warning?: string | null }[]).map((v) => [v.id, v]),
    );
    rows.push({
      segment: seg.tag,
      cases: typeof seg.cases === 'number' ? seg.cases : 0,
      cells: variantIds.map((id) => {
        const v = byId.get(id);
        const ci = v?.passRateCi ?? null;
        return {
          variantId: id,
          cases: v?.cases ?? 0,
          passRate: v?.passRate ?? null,
          ci,
          wide: !ci || ci.high - ci.low > WIDE_INTERVAL || !!v?.warning,
          warning: v?.warning ?? null,
        };
      }),
    });
  }
  return rows;
}

export function heatmapFromIndex(index: RunIndex, segments: string[]): SegmentRow[] {
  const rows: SegmentRow[] = [];
  const wanted = new Set(segments);
  // segment → variant → case → {passed, total}
  const acc = new Map<string, Map<string, Map<string, { passed: number; total: number }>>>();
  for (const r of index.results) {
    for (const tag of r.tags) {
      if (!wanted.has(tag)) continue;
      let byVariant = acc.get(tag);
      if (!byVariant) acc.set(tag, (byVariant = new Map()));
      let byCase = byVariant.get(r.variantId);
      if (!byCase) byVariant.set(r.variantId, (byCase = new Map()));
      const e = byCase.get(r.caseId) ?? { passed: 0, total: 0 };
      e.total++;
      if (r.pass === true) e.passed++;
      byCase.set(r.caseId, e);
    }
  }
  for (const segment of segments) {
    const byVariant = acc.get(segment);
    let caseCount = 0;
    for (const c of index.cases.values()) if (c.tags.includes(segment)) caseCount++;
    rows.push({
      segment,
      cases: caseCount,
      cells: index.run.variants.map((v) => {
        const byCase = byVariant?.get(v.id);
        if (!byCase || byCase.size === 0) return { variantId: v.id, cases: 0, passRate: null, ci: null, wide: true, warning: null };
        const { rate, ci } = passRateOf(index, byCase);
        return { variantId: v.id, cases: byCase.size, passRate: rate, ci, wide: !ci || ci.high - ci.low > WIDE_INTERVAL, warning: null };
      }),
    });
  }
  return rows;
}
