// The Pareto frontier of variants on (cost or latency, pass rate): lower x and higher rate are better.

/** Variants no other variant matches or beats on both axes (as cheap or cheaper and as good or better, one strictly). */
export function paretoFrontier<T extends { x: number; rate: number }>(points: readonly T[]): Set<T> {
  const frontier = new Set<T>();
  for (const p of points) {
    const dominated = points.some((q) => q !== p && q.x <= p.x && q.rate >= p.rate && (q.x < p.x || q.rate > p.rate));
    if (!dominated) frontier.add(p);
  }
  return frontier;
}
