// A check whose own code did not finish (timed out, hung, its worker crashed) judged nothing: like an
// unusable judge answer (judge-phase.ts), it makes the whole result an error of its class, so the run ends
// incomplete (exit 3) and `--resume` scores it again, instead of counting a fail the output never earned.
import type { ResultRow } from '../store/index.js';

/** Turns a scored row with a `check-error` check into a `check-error` result; true when it did. */
export function applyCheckErrors(row: ResultRow): boolean {
  if (row.errorClass !== null) return false;
  const failed = row.checks.find((c) => c.error === 'check-error');
  if (failed === undefined) return false;
  row.errorClass = 'check-error';
  row.errorMessage = `${failed.metric}: ${failed.reason}`;
  row.pass = null;
  row.score = null;
  return true;
}
