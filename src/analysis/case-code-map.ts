// A case id → short string map (a case's segment or cluster) stored as one small integer per case index, over
// the case table's id index the run report already holds (issue #22): at 500,000 cases a Map of its own per
// figure would take tens of megabytes for a handful of distinct values. Iterates in case-table order, as a Map
// filled in that order would.

import type { CaseIds } from './case-walk.js';

export class CaseCodeMap implements ReadonlyMap<string, string> {
  private readonly codes: Int32Array;
  private readonly names: string[] = [];
  private readonly codeOf = new Map<string, number>();
  private count = 0;

  /** Over the run's case table. */
  constructor(private readonly ids: CaseIds) {
    this.codes = new Int32Array(ids.length).fill(-1);
  }

  /** Give case `i` its value (once per case). */
  set(i: number, value: string): void {
    let code = this.codeOf.get(value);
    if (code === undefined) {
      code = this.names.length;
      this.names.push(value);
      this.codeOf.set(value, code);
    }
    if (this.codes[i] < 0) this.count++;
    this.codes[i] = code;
  }

  /** The case table the codes are indexed by. */
  get table(): CaseIds {
    return this.ids;
  }

  /** The value of case index `i`, without an id lookup. */
  at(i: number): string | undefined {
    const code = i < this.codes.length ? this.codes[i] : -1;
    return code < 0 ? undefined : this.names[code];
  }

  get size(): number {
    return this.count;
  }
  get(id: string): string | undefined {
    const i = this.ids.get(id);
    return i === undefined ? undefined : this.at(i);
  }
  has(id: string): boolean {
    return this.get(id) !== undefined;
  }
  *entries(): MapIterator<[string, string]> {
    for (let i = 0; i < this.codes.length; i++) if (this.codes[i] >= 0) yield [this.ids.id(i), this.names[this.codes[i]]];
  }
  *keys(): MapIterator<string> {
    for (const [id] of this.entries()) yield id;
  }
  *values(): MapIterator<string> {
    for (const [, value] of this.entries()) yield value;
  }
  [Symbol.iterator](): MapIterator<[string, string]> {
    return this.entries();
  }
  forEach(callback: (value: string, key: string, map: ReadonlyMap<string, string>) => void): void {
    for (const [id, value] of this.entries()) callback(value, id, this);
  }
}
