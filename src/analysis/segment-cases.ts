// The cases of each segment, for selection's per-segment figures, the run report's cost block and the spend
// projection: each case once, in the order the variants meet it, under its segment (a case without one is
// "(untagged)" when others have one).
import { CaseCodeMap } from './case-code-map.js';
import { isIndexed, withCaseIndices, type CaseIds, type IndexedCaseMap } from './case-walk.js';
import type { CaseOutcome, SelectionVariant } from './selection-figures.js';

/** The segment of cases without one, when other cases have one. */
export const UNTAGGED = '(untagged)';

/** The input segmentCaseIds reads (selection.ts's SelectionInput has both). */
interface SegmentedInput {
  variants: readonly SelectionVariant[];
  segments?: ReadonlyMap<string, string>;
}

/** Case ids per segment (sorted by segment name); empty when the input has no segments. */
export function segmentCaseIds(input: SegmentedInput): Map<string, string[]> {
  const segments = input.segments;
  if (!segments || segments.size === 0) return new Map();
  const maps = input.variants.map((v) => v.cases);
  const first = maps[0];
  const bySegment =
    first && isIndexed(first) && maps.every((m) => isIndexed(m) && m.table === first.table)
      ? indexedSegments(maps as IndexedCaseMap<CaseOutcome>[], first.table, segments)
      : segmentsById(input.variants, segments);
  return new Map([...bySegment.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

/** Each case once, in the order the variants meet them, by id. */
function segmentsById(variants: readonly SelectionVariant[], segments: ReadonlyMap<string, string>): Map<string, string[]> {
  const bySegment = new Map<string, string[]>();
  const allCases = new Set<string>();
  for (const v of variants) for (const id of v.cases.keys()) allCases.add(id);
  for (const id of allCases) {
    const segment = segments.get(id) ?? UNTAGGED;
    const list = bySegment.get(segment);
    if (list) list.push(id);
    else bySegment.set(segment, [id]);
  }
  return bySegment;
}

/**
 * The same over one case table: a flag per case index instead of a Set of every id (500,000 at a million
 * results), lists allocated at their size, each carrying its case indices (case-walk.ts) so the figures of a
 * segment read the columns without looking every id up.
 */
function indexedSegments(maps: readonly IndexedCaseMap<CaseOutcome>[], table: CaseIds, segments: ReadonlyMap<string, string>): Map<string, string[]> {
  const codes = segments instanceof CaseCodeMap && segments.table === table ? segments : undefined;
  const names: string[] = [];
  const codeOf = new Map<string, number>();
  const segmentOf = new Int32Array(table.length).fill(-1);
  const order = new Int32Array(table.length);
  let met = 0;
  for (const m of maps) {
    m.forEachIndex((id, i) => {
      if (segmentOf[i] >= 0) return;
      const name = (codes ? codes.at(i) : segments.get(id)) ?? UNTAGGED;
      let code = codeOf.get(name);
      if (code === undefined) codeOf.set(name, (code = names.push(name) - 1));
      segmentOf[i] = code;
      order[met++] = i;
    });
  }
  const sizes = new Int32Array(names.length);
  for (let k = 0; k < met; k++) sizes[segmentOf[order[k]]]++;
  const ids = names.map((_, code) => new Array<string>(sizes[code]));
  const indices = names.map((_, code) => new Int32Array(sizes[code]));
  const filled = new Int32Array(names.length);
  for (let k = 0; k < met; k++) {
    const i = order[k];
    const code = segmentOf[i];
    ids[code][filled[code]] = table.id(i);
    indices[code][filled[code]++] = i;
  }
  return new Map(names.map((name, code) => [name, withCaseIndices(ids[code], table, indices[code])]));
}
