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
