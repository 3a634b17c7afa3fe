// A run's case table packed in typed arrays (issue #22): the ids as UTF-8 bytes with their end offsets, each
// case's tag list and cluster by index into the distinct ones, and an open-addressing index from id to case
// index. Half a million cases as {id, tags, cluster} records, their id strings and a Map from id to index took
// ~60 MB of JavaScript heap (and its garbage as they grew) at the end of a million-result run; packed they take
// ~20 MB outside it. `at(i)` makes the record of one case when it is read. The table is kept with a run's fold
// as it is (the 'cases' section, case-list-fold.ts), so a reader gets it back without a case row or a string.
import type { CaseInfo, CaseList } from '../stats/index.js';
import type { CaseIds } from './case-walk.js';

/** FNV-1a over a string's UTF-16 code units (ids are hashed as strings, on insert and lookup alike). */
function hashOf(id: string): number {
  let h = 0x811c9dc5;
  for (let k = 0; k < id.length; k++) h = Math.imul(h ^ id.charCodeAt(k), 0x01000193);
  return h >>> 0;
}

function grownInts(array: Int32Array, size: number): Int32Array {
  if (array.length >= size) return array;
  const out = new Int32Array(Math.max(size, array.length * 2));
  out.set(array);
  return out;
}

/** How many tag-list arrays are remembered by identity (the store hands equal lists as one array: found without a join). */
const IDENTITY_LIMIT = 4096;

export class CaseTable implements CaseList, CaseIds {
  length = 0;
  private bytes: Uint8Array;
  private byteLength = 0;
  /** ends[i]: where case i's id ends in `bytes` (it starts where case i − 1's ends). */
  private ends: Int32Array;
  private hashes: Int32Array;
  private tagOf: Int32Array;
  /** −1: no cluster. */
  private clusterOf: Int32Array;
  private readonly tagLists: (readonly string[])[] = [];
  private readonly clusters: string[] = [];
  /** Open addressing, linear probing: slot → case index + 1 (0: empty); at most half full. */
  private slots: Int32Array;
  // Lookups rebuilt when needed (not kept with a fold: maps by identity and a Buffer do not survive a snapshot).
  private tagByList?: Map<readonly string[], number>;
  private tagByKey?: Map<string, number>;
  private clusterIndex?: Map<string, number>;
  private text?: Buffer;

  /** The fields a kept fold leaves out (see above). */
  static readonly TRANSIENT = ['tagByList', 'tagByKey', 'clusterIndex', 'text'] as const;

  constructor(capacity = 16) {
    const n = Math.max(16, capacity);
    this.bytes = new Uint8Array(n * 8);
    this.ends = new Int32Array(n);
    this.hashes = new Int32Array(n);
    this.tagOf = new Int32Array(n);
    this.clusterOf = new Int32Array(n);
    let slots = 32;
    while (slots < 2 * n) slots *= 2;
    this.slots = new Int32Array(slots);
  }

  /** Add a case (its id not in the table yet); returns its index. */
  push(id: string, tags: readonly string[], cluster: string | null): number {
    const i = this.length;
    if (i === this.ends.length) {
      this.ends = grownInts(this.ends, i + 1);
      this.hashes = grownInts(this.hashes, i + 1);
      this.tagOf = grownInts(this.tagOf, i + 1);
      this.clusterOf = grownInts(this.clusterOf, i + 1);
    }
    // A UTF-16 code unit takes at most 3 UTF-8 bytes.
    if (this.byteLength + 3 * id.length > this.bytes.length) {
      const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.byteLength + 3 * id.length));
      grown.set(this.bytes.subarray(0, this.byteLength));
      this.bytes = grown;
      this.text = undefined;
    }
    this.byteLength += this.buffer().write(id, this.byteLength, 'utf8');
    this.ends[i] = this.byteLength;
    this.tagOf[i] = this.tagIndex(tags);
    this.clusterOf[i] = cluster === null ? -1 : this.clusterCode(cluster);
    const hash = hashOf(id);
    this.hashes[i] = hash;
    this.length = i + 1;
    if (2 * this.length > this.slots.length) this.rehash(this.slots.length * 2);
    else this.place(i, hash);
    return i;
  }

  /** The index of the case with this id, or undefined. */
  get(id: string): number | undefined {
    const mask = this.slots.length - 1;
    for (let s = hashOf(id) & mask; ; s = (s + 1) & mask) {
      const v = this.slots[s];
      if (v === 0) return undefined;
      if (this.idIs(v - 1, id)) return v - 1;
    }
  }

  id(i: number): string {
    return this.buffer().toString('utf8', i === 0 ? 0 : this.ends[i - 1], this.ends[i]);
  }

  tags(i: number): readonly string[] {
    return this.tagLists[this.tagOf[i]];
  }

  cluster(i: number): string | null {
    const k = this.clusterOf[i];
    return k < 0 ? null : this.clusters[k];
  }

  /** Whether any case has a cluster. */
  get clustered(): boolean {
    return this.clusters.length > 0;
  }

  at(i: number): CaseInfo | undefined {
    if (!Number.isInteger(i) || i < 0 || i >= this.length) return undefined;
    return { id: this.id(i), tags: this.tags(i), cluster: this.cluster(i) };
  }

  forEach(visit: (c: CaseInfo, index: number) => void): void {
    for (let i = 0; i < this.length; i++) visit({ id: this.id(i), tags: this.tags(i), cluster: this.cluster(i) }, i);
  }

  /** A Buffer over the id bytes (made again when they grow, or after a restore). */
  private buffer(): Buffer {
    return (this.text ??= Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength));
  }

  /** Whether case i's id is `id`: compared byte by byte while it is ASCII, as strings otherwise. */
  private idIs(i: number, id: string): boolean {
    const start = i === 0 ? 0 : this.ends[i - 1];
    const end = this.ends[i];
    // UTF-8 never takes fewer bytes than UTF-16 code units.
    if (end - start < id.length) return false;
    for (let k = 0; k < id.length; k++) {
      const c = id.charCodeAt(k);
      if (c >= 0x80) return this.id(i) === id;
      if (this.bytes[start + k] !== c) return false;
    }
    return end - start === id.length;
  }

  private place(i: number, hash: number): void {
    const mask = this.slots.length - 1;
    let s = hash & mask;
    while (this.slots[s] !== 0) s = (s + 1) & mask;
    this.slots[s] = i + 1;
  }

  private rehash(size: number): void {
    this.slots = new Int32Array(size);
    for (let i = 0; i < this.length; i++) this.place(i, this.hashes[i] >>> 0);
  }

  private tagIndex(tags: readonly string[]): number {
    const byList = (this.tagByList ??= new Map());
    const met = byList.get(tags);
    if (met !== undefined) return met;
    const byKey = (this.tagByKey ??= new Map(this.tagLists.map((t, k) => [JSON.stringify(t), k])));
    const key = JSON.stringify(tags);
    let k = byKey.get(key);
    if (k === undefined) byKey.set(key, (k = this.tagLists.push(tags) - 1));
    if (byList.size < IDENTITY_LIMIT) byList.set(tags, k);
    return k;
  }

  private clusterCode(cluster: string): number {
    const index = (this.clusterIndex ??= new Map(this.clusters.map((c, k) => [c, k])));
    let k = index.get(cluster);
    if (k === undefined) index.set(cluster, (k = this.clusters.push(cluster) - 1));
    return k;
  }
}
