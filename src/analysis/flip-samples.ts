// The outputs behind a flipped case: every repeat of each side (for the JSON report), and which repeat
// represents the flip when one is shown. With repeats a case "fixed 2/5 → 4/5" has failing outputs after too;
// the one shown must be what the flip is about: a passing output on the side that passes (before for a broken
// case, after for a fixed one), a failing one on the side that fails, and the output that failed a critical
// check when the flip newly fails one.
import type { Store, ResultRow } from '../store/index.js';
import type { CaseFlip } from '../stats/index.js';

export interface OutputSample {
  repeat: number;
  /** The model's output in full (JSON); null when the call errored. */
  output: string | null;
  pass: boolean | null;
  /** "class: message" when the call errored after retries. */
  error: string | null;
  /** Reasons of the checks that failed. */
  failedChecks: string[];
  /** Metrics of the critical checks that failed (severity: critical). */
  criticalFailed: string[];
}

export function outputSample(r: ResultRow): OutputSample {
  const failed = r.checks.filter((c) => !c.pass);
  return {
    repeat: r.repeat,
    output: r.output,
    pass: r.pass,
    error: r.errorClass ? `${r.errorClass}: ${r.errorMessage ?? ''}`.trim() : null,
    failedChecks: failed.map((c) => `${c.metric}: ${c.reason}`),
    criticalFailed: [...new Set(failed.filter((c) => c.severity === 'critical').map((c) => c.metric))],
  };
}

/** Up to this many wanted cases are read case by case through the store's (run, case) index, not by a scan. */
const BY_CASE_LIMIT = 200;

/**
 * The results of the wanted cases of one variant, by case id: a few cases by the index, many by one
 * streamed pass over the variant's results.
 */
export async function outputsOf(store: Store, runId: string, variantId: string, caseIds: ReadonlySet<string>): Promise<Map<string, OutputSample[]>> {
  const out = new Map<string, OutputSample[]>();
  if (caseIds.size === 0) return out;
  const rows =
    caseIds.size <= BY_CASE_LIMIT
      ? (async function* () {
          for (const caseId of caseIds) yield* store.results.list(runId, { variantId, caseId, omitTranscript: true });
        })()
      : store.results.list(runId, { variantId, omitTranscript: true });
  for await (const r of rows) {
    if (!caseIds.has(r.caseId)) continue;
    const list = out.get(r.caseId) ?? [];
    list.push(outputSample(r));
    out.set(r.caseId, list);
  }
  for (const list of out.values()) list.sort((a, b) => a.repeat - b.repeat);
  return out;
}

/**
 * The repeat that represents one side of a flip: the first passing sample on a side that passes, else the
 * first that failed a newly failing critical check, else the first failed (judged) one, else the first errored
 * one; the first sample when none fits (e.g. a tie). Null without samples.
 */
export function representativeSample(samples: readonly OutputSample[], passes: boolean, critical: readonly string[] = []): OutputSample | null {
  if (samples.length === 0) return null;
  const pick = passes
    ? samples.find((s) => s.pass === true)
    : (samples.find((s) => s.criticalFailed.some((m) => critical.includes(m))) ??
      samples.find((s) => s.pass === false && s.error === null) ??
      samples.find((s) => s.error !== null));
  return pick ?? samples[0];
}

/** Which side of a flip passes (its pass value under the suite's repeat reducer above one half, stats case-flips.ts). */
export function sidePasses(flip: Pick<CaseFlip, 'kind'>, side: 'before' | 'after'): boolean {
  return side === 'before' ? flip.kind === 'broken' : flip.kind === 'fixed';
}

/**
 * The first `limit` flips of the lists taken in order, those that newly fail a critical check first (in order
 * otherwise), so a limited listing never hides them: what a stable sort on "critical" of the lists joined gives,
 * in one pass that stops at the limit, with no copy or sort of a large run's hundreds of thousands of flips.
 */
export function criticalFirst<T extends Pick<CaseFlip, 'newCriticalFailures'>>(lists: readonly (readonly T[])[], limit = Infinity): T[] {
  const out: T[] = [];
  for (const critical of [true, false]) {
    for (const list of lists) {
      for (const f of list) {
        if (out.length >= limit) return out;
        if (f.newCriticalFailures.length > 0 === critical) out.push(f);
      }
    }
  }
  return out;
}

/** Flipped cases of a variant that newly fail a critical check. */
export function criticalFlips<T extends Pick<CaseFlip, 'newCriticalFailures'>>(v: { flips: { fixed: T[]; broken: T[]; stillFailing: T[] } }): T[] {
  return [...v.flips.broken, ...v.flips.stillFailing, ...v.flips.fixed].filter((f) => f.newCriticalFailures.length > 0);
}

/**
 * The flipped cases a rendering shows: the first `perKind` of each kind (critical first, as the terminal
 * lists them) and the first `overall` of all kinds together (as Markdown lists them). A diff rendered only
 * in those forms fetches the outputs of these cases alone, not of every flipped case of a large run.
 */
export function shownFlipIds(
  flips: { fixed: readonly CaseFlip[]; broken: readonly CaseFlip[]; stillFailing: readonly CaseFlip[] },
  shown: { perKind: number; overall: number },
): Set<string> {
  const ids = new Set<string>();
  for (const group of [flips.fixed, flips.broken, flips.stillFailing]) for (const f of criticalFirst([group], shown.perKind)) ids.add(f.caseId);
  for (const f of criticalFirst([flips.broken, flips.fixed, flips.stillFailing], shown.overall)) ids.add(f.caseId);
  return ids;
}
