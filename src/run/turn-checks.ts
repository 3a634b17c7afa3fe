// The checks of a scripted conversation's turns (docs/agents.md "Conversations"): turn N's checks judge the agent's
// reply to turn N (its last text in that turn) with the transcript up to the end of that turn, and are stored
// with the result's other checks under the metric `turn<N>:<metric>`, counting in its pass like any check.
import { combineChecks, finalAnswerOf, type CheckResult, type PreparedCheck, type ScoredOutput, type Transcript } from '../score/index.js';
import { turnMetric, type ConversationTurn } from '../suite/index.js';

/** Turn N of a transcript: the conversation up to the end of that turn; undefined when it never reached the turn. */
export function transcriptUpToTurn(transcript: Transcript | undefined, turn: number): Transcript | undefined {
  if (!transcript) return undefined;
  const messages = transcript.messages;
  const start = messages.findIndex((m) => m.role === 'user' && m.turn === turn);
  if (start < 0) return undefined;
  let end = messages.findIndex((m, i) => i > start && m.role === 'user' && m.turn !== undefined);
  if (end < 0) end = messages.length;
  const upTo = messages.slice(0, end);
  // The turn was asked but not answered (the user's last words, never sent to the agent): not reached either.
  if (!upTo.slice(start).some((m) => m.role === 'assistant')) return undefined;
  const steps = upTo.filter((m) => m.role === 'assistant').length;
  const lastTurn = end === messages.length;
  return { ...transcript, messages: upTo, steps, stop: lastTurn && transcript.stop === 'max-steps' ? 'max-steps' : 'final' };
}

function renamed(results: CheckResult[], turn: number): CheckResult[] {
  return results.map((r) => ({ ...r, metric: turnMetric(turn, r.metric) }));
}

/** A check of a turn the conversation never reached: it fails, indeterminate, and says why. */
function notReached(prepared: readonly PreparedCheck[], turn: number, transcript: Transcript | undefined): CheckResult[] {
  const why = !transcript?.messages.some((m) => m.role === 'user' && m.turn !== undefined)
    ? 'the model did not play the conversation (function: and replay: models are called once)'
    : `the conversation stopped before it (${transcript.stop})`;
  return prepared.map((c) => ({
    type: c.type,
    metric: turnMetric(turn, c.metric),
    severity: c.severity,
    weight: c.weight,
    pass: false,
    score: 0,
    reason: `turn ${turn} was not reached: ${why}`,
    indeterminate: true,
  }));
}

/**
 * The whole conversation's scored checks with every turn's checks added: each turn's prepared (by `prepare`) and
 * scored (by `score`, on the turn's answer and transcript); pass and score combined over all of them.
 */
export async function withTurnChecks(
  whole: ScoredOutput,
  turns: readonly ConversationTurn[],
  transcript: Transcript | undefined,
  prepare: (turn: number, specs: ConversationTurn['checks']) => Promise<PreparedCheck[]>,
  score: (prepared: PreparedCheck[], output: string, upTo: Transcript) => Promise<ScoredOutput>,
  threshold?: number,
): Promise<ScoredOutput> {
  const checks = [...whole.checks];
  for (const [index, t] of turns.entries()) {
    if (t.checks.length === 0) continue;
    const turn = index + 1;
    const prepared = await prepare(turn, t.checks);
    const upTo = transcriptUpToTurn(transcript, turn);
    checks.push(...(upTo ? renamed((await score(prepared, finalAnswerOf(upTo), upTo)).checks, turn) : notReached(prepared, turn, transcript)));
  }
  return { ...combineChecks(checks, threshold), checks };
}
