// The first few failing results per variant, for the human-readable reports.
import type { Store } from '../store/index.js';

export interface FailureSample {
  variantId: string;
  caseId: string;
  repeat: number;
  reason: string;
  output: string | null;
  critical: boolean;
}

export async function sampleFailures(store: Store, runId: string, variantIds: string[], perVariant = 5): Promise<Map<string, FailureSample[]>> {
  const out = new Map<string, FailureSample[]>();
  for (const variantId of variantIds) {
    const list: FailureSample[] = [];
    for await (const r of store.results.list(runId, { variantId })) {
      if (r.pass === true) continue;
      const failed = r.checks.filter((c) => !c.pass);
      list.push({
        variantId,
        caseId: r.caseId,
        repeat: r.repeat,
        reason: r.errorClass ? `error ${r.errorClass}: ${r.errorMessage ?? ''}` : failed.map((c) => `${c.metric}: ${c.reason}`).join('; '),
        output: r.output,
        critical: failed.some((c) => c.severity === 'critical'),
      });
      if (list.length >= perVariant) break;
    }
    out.set(variantId, list);
  }
  return out;
}
