// The run's pass^k and pass@k curves (src/analysis/pass-k-curve.ts) as a small table: a row per k, per
// variant the two estimates with their intervals. Shown only for runs with repeats.
import type { PassKPoint, VariantSummary } from '../api';
import { ciText, pct } from '../format';

const cell = (p: PassKPoint | undefined) =>
  p ? (
    <td className="num nowrap" title={p.ci?.method}>
      {pct(p.value)} <span className="muted small">{ciText(p.ci)}</span>
    </td>
  ) : (
    <td className="num">n/a</td>
  );

export function PassKTable({ variants }: { variants: VariantSummary[] }) {
  const shown = variants.filter((v) => v.passHatK?.length);
  if (shown.length === 0) return null;
  const ks = shown[0].passHatK!.map((p) => p.k);
  const method = shown[0].passHatK!.find((p) => p.ci)?.ci?.method.split(' ')[0] ?? 't';
  const short = Math.max(0, ...shown.flatMap((v) => v.passHatK!.map((p) => p.shortCases)));
  return (
    <div>
      <table className="table pass-k-table" data-testid="pass-k">
        <thead>
          <tr>
            <th>k</th>
            {shown.map((v) => (
              <th key={v.id} colSpan={2}>
                {v.id}
              </th>
            ))}
          </tr>
          <tr>
            <th />
            {shown.map((v) => [
              <th key={`${v.id}^`} className="num" title="all k repeats of a case pass: C(c,k)/C(n,k)">
                pass^k
              </th>,
              <th key={`${v.id}@`} className="num" title="at least one of k repeats passes: 1 − C(n−c,k)/C(n,k)">
                pass@k
              </th>,
            ])}
          </tr>
        </thead>
        <tbody>
          {ks.map((k) => (
            <tr key={k} data-k={k}>
              <td className="num">{k}</td>
              {shown.map((v) => [cell(v.passHatK!.find((p) => p.k === k)), cell(v.passAtK?.find((p) => p.k === k))])}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="small muted">
        pass^k: the chance that k repeats of a case all pass (Yao et al. 2024); pass@k: that at least one passes (Chen et al. 2021); each the mean of the
        unbiased per-case estimates, 95% CI: {method} over the per-case estimates.
        {short > 0 && ` Up to ${short} cases have fewer results than k: their estimate uses k = their result count.`}
      </p>
    </div>
  );
}
