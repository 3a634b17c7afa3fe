// The exposures folded per unit: its arm (a second, different arm marks it excluded), its first exposure and its
// segment values, in typed arrays keyed by a Map from unit id to index. One table reads a whole source, or one
// worker's byte range of a large CSV; the parts then merge into one (merge()).
import { DataQuality } from './data-quality.js';
import type { DataQualityIssue } from './scorecard-types.js';
import type { RawValue } from './sources/index.js';

export const NONE = -1;
/** Arm code of a unit seen in two arms: excluded everywhere. */
export const BOTH_ARMS = -2;

/** A growable typed array (doubling), so no per-row JavaScript objects are kept. */
export class Column<T extends Float64Array | Int32Array | Int8Array> {
  data: T;
  length = 0;
  constructor(private readonly make: (n: number) => T) {
    this.data = make(1024);
  }
  push(value: number): void {
    if (this.length === this.data.length) {
      const next = this.make(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = value;
  }
}

export interface ExposureOptions {
  unit: string;
  armIds: string[];
  segments: string[];
  start: number;
  end: number;
  /** The source's label (file path) for data-quality examples. */
  label: string;
}

/** A table as plain data (what a worker posts back): keys in index order and the per-unit arrays. */
export interface ExposurePart {
  keys: string[];
  arm: Int8Array;
  firstTs: Float64Array;
  segmentValues: string[][];
  segmentOf: Int32Array[];
  issues: DataQualityIssue[];
  rows: number;
  lines: number;
}

/** ISO 8601 or epoch milliseconds (number or digits); NaN when neither. */
export function parseTimestamp(value: RawValue): number {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string' || value === '') return Number.NaN;
  // Epoch milliseconds as text: digits only (an ISO date has "-" at index 4). Date.parse would read them as a year.
  const c = value.charCodeAt(0);
  if (((c >= 48 && c <= 57) || c === 45) && value.charCodeAt(4) !== 45 && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  return Date.parse(value);
}

export function unitKey(value: RawValue): string | null {
  if (typeof value === 'string') return value === '' ? null : value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return null;
}

export class ExposureTable {
  readonly unitIds = new Map<string, number>();
  readonly keys: string[] = [];
  readonly arm = new Column((n) => new Int8Array(n));
  readonly firstTs = new Column((n) => new Float64Array(n));
  readonly segmentValues: Map<string, number>[];
  readonly segmentOf: Column<Int32Array>[];
  constructor(
    private readonly o: ExposureOptions,
    readonly quality = new DataQuality(),
  ) {
    this.segmentValues = o.segments.map(() => new Map<string, number>());
    this.segmentOf = o.segments.map(() => new Column((n) => new Int32Array(n)));
  }

  get units(): number {
    return this.arm.length;
  }

  /** One exposure row: [unit, arm, timestamp, ...segments] at `line`. */
  readonly add = (values: readonly RawValue[], line: number): void => {
    const { o, quality } = this;
    const key = unitKey(values[0]);
    if (key === null) return quality.add('missing-unit', o.label, line, `no ${o.unit}`);
    // A scan of the few arm ids: cheaper than hashing the cell for a Map lookup on every one of millions of rows.
    const a = o.armIds.indexOf(typeof values[1] === 'string' ? values[1] : String(values[1] ?? ''));
    if (a < 0) return quality.add('unknown-arm', o.label, line, `arm "${String(values[1] ?? '')}"`);
    const ts = parseTimestamp(values[2]);
    if (Number.isNaN(ts)) return quality.add('bad-timestamp', o.label, line, `timestamp "${String(values[2] ?? '')}"`);
    if (ts < o.start || ts > o.end) return quality.add('outside-window', o.label, line, new Date(ts).toISOString());
    const u = this.unit(key, a, ts, line);
    for (let s = 0; s < this.segmentOf.length; s++) {
      const raw = values[3 + s];
      if (this.segmentOf[s].data[u] !== NONE || raw === undefined || raw === null || raw === '') continue;
      this.setSegment(s, u, String(raw));
    }
  };

  /** Record the unit in arm `a` at `ts` (a = BOTH_ARMS for a unit a part already excluded); returns its index. */
  private unit(key: string, a: number, ts: number, line: number | null, alreadyCounted = false): number {
    let u = this.unitIds.get(key);
    if (u === undefined) {
      u = this.arm.length;
      this.unitIds.set(key, u);
      this.keys.push(key);
      this.arm.push(a);
      this.firstTs.push(ts);
      for (const s of this.segmentOf) s.push(NONE);
      return u;
    }
    const had = this.arm.data[u];
    if (had !== a) {
      // Newly seen in two arms: counted here (a part's own exclusions come counted with its issues).
      if (had !== BOTH_ARMS && a !== BOTH_ARMS)
        this.quality.add('units-in-both-arms', this.o.label, line, `${this.o.unit} ${key} in ${this.o.armIds[had]} and ${this.o.armIds[a]}`);
      this.arm.data[u] = BOTH_ARMS;
    } else if (a === BOTH_ARMS && alreadyCounted) {
      // Excluded in two parts, so counted by each: one unit.
      this.quality.uncount('units-in-both-arms');
    }
    if (ts < this.firstTs.data[u]) this.firstTs.data[u] = ts;
    return u;
  }

  private setSegment(s: number, u: number, text: string): void {
    let v = this.segmentValues[s].get(text);
    if (v === undefined) this.segmentValues[s].set(text, (v = this.segmentValues[s].size));
    this.segmentOf[s].data[u] = v;
  }

  toPart(rows: number, lines: number): ExposurePart {
    const n = this.units;
    return {
      keys: this.keys,
      arm: this.arm.data.slice(0, n),
      firstTs: this.firstTs.data.slice(0, n),
      segmentValues: this.segmentValues.map((m) => [...m.keys()]),
      segmentOf: this.segmentOf.map((c) => c.data.slice(0, n)),
      issues: this.quality.list(),
      rows,
      lines,
    };
  }

  /** Fold a part read from later lines (its line numbers start after `lineOffset` lines of the file). */
  merge(part: ExposurePart, lineOffset: number): void {
    this.quality.merge(part.issues, lineOffset);
    for (let i = 0; i < part.keys.length; i++) {
      const u = this.unit(part.keys[i], part.arm[i], part.firstTs[i], null, true);
      for (let s = 0; s < this.segmentOf.length; s++) {
        const v = part.segmentOf[s][i];
        if (v !== NONE && this.segmentOf[s].data[u] === NONE) this.setSegment(s, u, part.segmentValues[s][v]);
      }
    }
  }
}
