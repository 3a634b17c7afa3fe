// How a p-value is written in every report: three decimals below 0.1, two above, "< 0.001" below that.
/** "p < 0.001", "p = 0.006", "p = 0.017", "p = 0.41". */
export function formatPValue(p: number): string {
  if (p < 0.001) return 'p < 0.001';
  if (p < 0.1) return `p = ${p.toFixed(3)}`;
  return `p = ${p.toFixed(2)}`;
}
