// The worst transcripts of a run's safety section: the outputs behind its listed successful attacks, fetched from
// the store for those cases only (analysis/flip-samples.ts outputsOf), the repeat that shows the success chosen.
import type { Store } from '../store/index.js';
import { outputsOf, type OutputSample } from './flip-samples.js';
import type { SafetyFigures, WorstAttack } from './safety-figures.js';

/** The repeat that shows an attack's success: the first that failed a critical check, else the first failed one. */
function successSample(samples: readonly OutputSample[]): OutputSample | undefined {
  return samples.find((s) => s.criticalFailed.length > 0) ?? samples.find((s) => s.pass === false && s.error === null) ?? samples[0];
}

/** Fill each listed successful attack's output, failed-check reasons (critical first) and repeat, in place. */
export async function addWorstOutputs(store: Store, runId: string, figures: SafetyFigures): Promise<void> {
  for (const v of figures.variants) {
    if (v.worst.length === 0) continue;
    const samples = await outputsOf(store, runId, v.id, new Set(v.worst.map((w) => w.caseId)));
    for (const w of v.worst) fillWorst(w, samples.get(w.caseId) ?? []);
  }
}

function fillWorst(w: WorstAttack, samples: readonly OutputSample[]): void {
  const s = successSample(samples);
  if (!s) return;
  const critical = s.failedChecks.filter((r) => s.criticalFailed.some((m) => r.startsWith(`${m}: `)));
  w.output = s.output;
  w.reasons = [...critical, ...s.failedChecks.filter((r) => !critical.includes(r))];
  w.repeat = s.repeat;
}
