// Number formatting shared by the human-readable reports. Unknown values print as "n/a", never 0.
import type { Interval } from '../stats/index.js';

export const pct = (x: number | null | undefined, digits = 1): string => (x === null || x === undefined ? 'n/a' : `${(x * 100).toFixed(digits)}%`);

export const ciText = (ci: Interval | null | undefined): string => (ci ? `${(ci.low * 100).toFixed(1)}–${(ci.high * 100).toFixed(1)}` : 'n/a');

export const usd = (x: number | null | undefined): string => {
  if (x === null || x === undefined) return 'n/a';
  if (x === 0) return '$0';
  return x < 0.01 ? `$${x.toFixed(5)}` : `$${x.toFixed(4)}`;
};

/** A cost figure of a report (cost-figures.ts): unknown prints as "unknown", never $0. */
export const costText = (x: number | null | undefined): string => (x === null || x === undefined ? 'unknown' : usd(x));

export const ms = (x: number | null | undefined): string => (x === null || x === undefined ? 'n/a' : x < 10 ? `${x.toFixed(1)}ms` : `${Math.round(x)}ms`);

/** A variant's streaming figures (issue #20) as the run report's tables show them: TTFT p50/p95, decode tokens/s. */
export function streamingCells(
  l: { streamed: number; ttftP50: number | null; ttftP95: number | null; decodeTokensPerSecond: number | null },
  separator = '/',
): string[] {
  if (l.streamed === 0) return ['n/a', 'n/a'];
  return [`${ms(l.ttftP50)}${separator}${ms(l.ttftP95)}`, l.decodeTokensPerSecond === null ? 'n/a' : l.decodeTokensPerSecond.toFixed(0)];
}

export const int = (x: number | null | undefined): string => (x === null || x === undefined ? 'n/a' : Math.round(x).toLocaleString('en-US'));

/** "1 case", "3 cases": a count as written and its noun. */
export const plural = (n: number, word: string, many = `${word}s`): string => `${n} ${n === 1 ? word : many}`;

/** "1 case", "1,200 cases": the count with thousands separators. */
export const pluralCount = (n: number, word: string, many = `${word}s`): string => `${int(n)} ${n === 1 ? word : many}`;

/**
 * An upper bound in percent rounded UP at `digits` decimals, so "≤ x" stays true: 0.4981% is "≤ 0.50%" and
 * 0.5004% is "≤ 0.51%", never "≤ 0.50%". The 1e-9 keeps an exact multiple (100%) from being pushed one step up.
 */
export const upperPct = (x: number, digits: number): string => {
  const scale = 10 ** digits;
  return `${(Math.ceil(x * 100 * scale - 1e-9) / scale).toFixed(digits)}%`;
};

export const num = (x: number | null | undefined, digits = 3): string => (x === null || x === undefined ? 'n/a' : x.toFixed(digits));

/** Plain text table with padded columns (no colours: it must read the same in CI logs). */
export function textTable(header: string[], rows: string[][], alignRight: boolean[] = []): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (alignRight[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
