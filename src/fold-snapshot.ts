// A fold's state (accumulator objects holding typed-array columns) as bytes, and back (issue #22): a run keeps
// its per-case columns when it ends, so reading it back reads tens of megabytes of columns instead of a million
// rows. Part 0 is a JSON skeleton; each typed array is a part of its own, its bytes as they are, so every value
// comes back bit for bit. Strict on purpose: a value it could not restore exactly (a class it was not told of, a
// function, a symbol, a key beginning with `$` or `__proto__`) throws when written, never comes back different.
// A root file every unit may import: it imports nothing.

/** A class whose instances may be kept: restored with its prototype, its own fields but `omit` (the caller re-attaches those). */
export interface SnapshotClass {
  name: string;
  type: { prototype: object };
  omit?: readonly string[];
}

const ARRAYS = {
  Uint8Array,
  Int8Array,
  Uint16Array,
  Int16Array,
  Uint32Array,
  Int32Array,
  Float32Array,
  Float64Array,
} satisfies Record<string, new (n: number) => ArrayBufferView>;
type ArrayName = keyof typeof ARRAYS;

function arrayNameOf(value: unknown): ArrayName | undefined {
  for (const [name, type] of Object.entries(ARRAYS)) if (value === type) return name as ArrayName;
  return undefined;
}

/** Numbers JSON cannot hold (or holds differently): NaN, ±Infinity, -0. */
const SPECIAL_NUMBERS: Record<string, number> = { NaN, Infinity, '-Infinity': -Infinity, '-0': -0 };

function fail(path: string, what: string): never {
  throw new Error(`fold snapshot: ${path} is ${what}, which a snapshot cannot restore exactly`);
}

/** The parts of `value`: its JSON skeleton (UTF-8) first, then the bytes of each typed array it holds (no copy). */
export function encodeSnapshot(value: unknown, classes: readonly SnapshotClass[]): Uint8Array[] {
  const parts: Uint8Array[] = [];
  const byPrototype = new Map(classes.map((c) => [c.type.prototype, c]));
  const fields = (object: object, path: string, omit: readonly string[] = []): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(object)) {
      if (omit.includes(key) || field === undefined) continue;
      if (key.startsWith('$')) fail(`${path}.${key}`, 'a key beginning with $');
      // Assigning it back would set the restored object's prototype.
      if (key === '__proto__') fail(`${path}.${key}`, 'the key __proto__');
      out[key] = encode(field, `${path}.${key}`);
    }
    return out;
  };
  const encode = (v: unknown, path: string): unknown => {
    if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
    if (typeof v === 'number') return Number.isFinite(v) && !Object.is(v, -0) ? v : { $n: Object.is(v, -0) ? '-0' : String(v) };
    if (typeof v === 'function') {
      const name = arrayNameOf(v);
      return name ? { $f: name } : fail(path, 'a function');
    }
    if (typeof v !== 'object') return fail(path, `a ${typeof v}`);
    if (ArrayBuffer.isView(v)) {
      const name = arrayNameOf(v.constructor);
      if (!name) fail(path, `a ${v.constructor.name}`);
      parts.push(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
      return { $t: name, p: parts.length, n: (v as unknown as { length: number }).length };
    }
    if (Array.isArray(v)) return v.map((x, i) => (x === undefined ? fail(`${path}[${i}]`, 'undefined') : encode(x, `${path}[${i}]`)));
    if (v instanceof Map) return { $m: [...v].map(([k, x], i) => [encode(k, `${path}<key ${i}>`), encode(x, `${path}<${i}>`)]) };
    if (v instanceof Set) return { $s: [...v].map((x, i) => encode(x, `${path}<${i}>`)) };
    const prototype = Object.getPrototypeOf(v) as object | null;
    if (prototype === Object.prototype || prototype === null) return fields(v, path);
    const known = byPrototype.get(prototype as object);
    if (!known) return fail(path, `a ${(v as object).constructor?.name ?? 'object'} not named to the snapshot`);
    return { $c: known.name, f: fields(v, path, known.omit) };
  };
  const skeleton = new TextEncoder().encode(JSON.stringify(encode(value, 'value')));
  return [skeleton, ...parts];
}

/** The value encodeSnapshot was given, from its parts (typed arrays are views of the parts when aligned). */
export function decodeSnapshot<T>(parts: readonly Uint8Array[], classes: readonly SnapshotClass[]): T {
  const byName = new Map(classes.map((c) => [c.name, c]));
  const decode = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.map(decode);
    const o = v as Record<string, unknown>;
    if ('$n' in o) return SPECIAL_NUMBERS[o.$n as string];
    if ('$f' in o) return ARRAYS[o.$f as ArrayName];
    if ('$t' in o) return typedArray(o.$t as ArrayName, parts[o.p as number], o.n as number);
    if ('$m' in o) return new Map((o.$m as [unknown, unknown][]).map(([k, x]) => [decode(k), decode(x)]));
    if ('$s' in o) return new Set((o.$s as unknown[]).map(decode));
    if ('$c' in o) {
      const known = byName.get(o.$c as string);
      if (!known) throw new Error(`fold snapshot: no class ${String(o.$c)} to restore`);
      return Object.assign(Object.create(known.type.prototype) as object, decodeFields(o.f as Record<string, unknown>));
    }
    return decodeFields(o);
  };
  const decodeFields = (o: Record<string, unknown>): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(o)) out[key] = decode(o[key]);
    return out;
  };
  return decode(JSON.parse(new TextDecoder().decode(parts[0]))) as T;
}

function typedArray(name: ArrayName, bytes: Uint8Array | undefined, length: number): ArrayBufferView {
  const Type = ARRAYS[name];
  if (!bytes || bytes.byteLength !== length * Type.BYTES_PER_ELEMENT) throw new Error(`fold snapshot: a ${name} of ${length} is missing or cut short`);
  // A view of the part when its offset allows (no copy), else a copy.
  if (bytes.byteOffset % Type.BYTES_PER_ELEMENT === 0) return new Type(bytes.buffer as ArrayBuffer, bytes.byteOffset, length);
  const out = new Type(length);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}
