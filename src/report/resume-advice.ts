// What to do about a run that ended incomplete. `--resume` calls the errored items again with the same
// suite (a changed suite is refused), so it finishes transient failures (rate limits, timeouts, 5xx,
// network) but not a request the provider rejected as malformed (HTTP 400) or a replay log with no output
// for a case: advising a resume for those sends the user round in a circle.
import type { Store } from '../store/index.js';

/** The command that finishes a stored run. */
export function resumeCommand(runId: string): string {
  return `evalspec run --resume ${runId}`;
}

/** What `runs` and `show` say about an interrupted run (store runState: `started`, its process gone). */
export function interruptedRunAdvice(runId: string): string {
  return `run ${runId} was interrupted (its process is gone); finish it with: ${resumeCommand(runId)}`;
}

/** Error classes a resume, as is, cannot fix, and what does. */
const NOT_FIXED_BY_RESUME: Record<string, (runId: string) => string> = {
  'bad-request': () =>
    'the provider rejected the request (HTTP 4xx): a resume sends the same request again, so it fails the same way; fix the model name or parameters in the suite, then start a new run',
  'missing-output': (runId) =>
    `the replay log has no output for these cases: add them to the replay file first, then: evalspec run --resume ${runId} (or remove the cases from the suite)`,
  'function-error': (runId) => `your function threw or returned no output: fix it first, then: evalspec run --resume ${runId}`,
};

/** One or more lines for stderr after an incomplete run, by the classes of the errors still stored. */
export async function incompleteRunAdvice(store: Store, runId: string): Promise<string> {
  const byClass = new Map<string, number>();
  for await (const r of store.results.list(runId, { slim: true })) {
    if (r.errorClass !== null) byClass.set(r.errorClass, (byClass.get(r.errorClass) ?? 0) + 1);
  }
  const total = [...byClass.values()].reduce((s, n) => s + n, 0);
  const count = (classes: string[]) => classes.map((c) => `${byClass.get(c)} ${c}`).join(', ');
  const classes = [...byClass.keys()].sort();
  const stuck = classes.filter((c) => c in NOT_FIXED_BY_RESUME);
  const transient = classes.filter((c) => !(c in NOT_FIXED_BY_RESUME));
  const lines = [`run incomplete: ${total} call${total === 1 ? ' is' : 's are'} still in error after retries`];
  if (transient.length) lines.push(`  ${count(transient)}: finish ${stuck.length ? 'these' : 'them'} with: evalspec run --resume ${runId}`);
  for (const c of stuck) lines.push(`  ${count([c])}: ${NOT_FIXED_BY_RESUME[c](runId)}`);
  if (total === 0) lines.push(`  finish it with: evalspec run --resume ${runId}`);
  return lines.join('\n');
}
