// JSON with sorted object keys: equal content gives equal text (and hash) whatever the key order. A root file
// every unit may import (it imports nothing): suite/ hashes cases with it, and reading runs back (analysis/,
// report/) compares stored configs with it without loading the suite's schemas (issue #22).

/** JSON with sorted object keys, so equal content hashes equally whatever the key order. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${stableStringify((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
