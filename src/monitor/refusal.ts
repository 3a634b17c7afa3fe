// The refusal detector behind a monitor's refusal_rate (metrics.refusal on each score): the `refusal` check's
// pattern list (score/checks/safety.ts, one list; docs/monitoring.md, "metrics.refusal"). A model that declines
// says so in its opening sentence, so only the first REFUSAL_WINDOW characters are read — an answer that helps at
// length and mentions "I can't …" halfway through is not a refusal.
import { refusalIn } from '../score/index.js';

export { REFUSAL_PATTERNS, REFUSAL_WINDOW } from '../score/index.js';

/** 1 when the output opens with a refusal, 0 when it does not; null without an output (unknown, not "no"). */
export function refusalMetric(output: string | null): number | null {
  if (output === null) return null;
  return refusalIn(output) === undefined ? 0 : 1;
}
