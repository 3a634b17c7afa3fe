// Pure pieces of the transcript view (issue #16): a stored transcript grouped into model steps (each step's
// assistant message with its tool calls and the tool messages answering them), the steps failing checks point
// at, the stop reason in words, and two transcripts aligned step by step for the compare page.
import type { StoredCheck, Transcript, TranscriptMessage, TranscriptToolCall } from './api';

export type AssistantMessage = Extract<TranscriptMessage, { role: 'assistant' }>;
export type ToolMessage = Extract<TranscriptMessage, { role: 'tool' }>;

export interface CallView {
  call: TranscriptToolCall;
  /** The tool message answering it; undefined when none did (a dangling call of a replayed log). */
  result?: ToolMessage;
}

export interface StepGroup {
  /** 1-based model step: the message's own `step`, else its position among the assistant messages (as score/toolCallsOf). */
  step: number;
  /** System and user messages that came before this step's assistant message (since the previous step). */
  before: Extract<TranscriptMessage, { role: 'system' | 'user' }>[];
  assistant: AssistantMessage;
  calls: CallView[];
  /** Tool messages of this step answering no call of it (their call id is unknown). */
  orphans: ToolMessage[];
}

export interface GroupedTranscript {
  steps: StepGroup[];
  /** System and user messages after the last step (a conversation ending on the user's turn). */
  after: Extract<TranscriptMessage, { role: 'system' | 'user' }>[];
}

/** The transcript's messages as model steps, in order. */
export function groupSteps(t: Transcript): GroupedTranscript {
  const steps: StepGroup[] = [];
  const byCallId = new Map<string, CallView>();
  let pending: GroupedTranscript['after'] = [];
  let seen = 0;
  for (const m of t.messages) {
    if (m.role === 'system' || m.role === 'user') pending.push(m);
    else if (m.role === 'assistant') {
      seen++;
      const calls = (m.toolCalls ?? []).map((call) => ({ call }));
      for (const c of calls) byCallId.set(c.call.id, c);
      steps.push({ step: m.step ?? seen, before: pending, assistant: m, calls, orphans: [] });
      pending = [];
    } else {
      const target = byCallId.get(m.toolCallId);
      if (target && !target.result) target.result = m;
      else steps[steps.length - 1]?.orphans.push(m);
    }
  }
  return { steps, after: pending };
}

/** Why the agent stopped, in words ("stopped at max_steps 8"). */
export function stopText(t: Transcript): string {
  const n = `${t.steps} step${t.steps === 1 ? '' : 's'}`;
  switch (t.stop) {
    case 'final':
      return `answered after ${n}${t.maxSteps === null ? '' : ` (max_steps ${t.maxSteps})`}`;
    case 'max-steps':
      return `stopped at max_steps ${t.maxSteps ?? t.steps} with tool calls pending`;
    case 'user-stop':
      return `the simulated user ended the conversation after ${n}`;
    case 'max-turns':
      return `the conversation's turns ran out after ${n}`;
    case 'logged':
      return `replayed log: ${n}, ends where the log ends`;
    default:
      return `stopped (${String(t.stop)}) after ${n}`;
  }
}

/**
 * Step numbers the failing checks' reasons name, each with the checks that name it. Behaviour checks describe a call
 * as "step 3: cancel_reservation({…})" (score/checks describeRecord); the colon keeps "the step limit (8 steps)" and
 * a "step 5" inside quoted arguments from counting.
 */
export function failedSteps(checks: StoredCheck[]): Map<number, StoredCheck[]> {
  const out = new Map<number, StoredCheck[]>();
  for (const c of checks) {
    if (c.pass) continue;
    for (const m of c.reason.matchAll(/(?:^|[\s(;,])step (\d+):/gi)) {
      const step = Number(m[1]);
      const list = out.get(step) ?? [];
      if (!list.includes(c)) list.push(c);
      out.set(step, list);
    }
  }
  return out;
}

/** JSON with sorted object keys, so arguments that differ only in key order compare equal. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'undefined';
}

/** Arguments as shown: pretty JSON (a raw string, e.g. arguments that were not JSON, as it is). */
export const prettyArgs = (args: unknown): string => (typeof args === 'string' ? args : (JSON.stringify(args, null, 2) ?? String(args)));

/** How the i-th tool call of a step differs from the other side's i-th call. */
export type CallDifference = 'same' | 'name' | 'args' | 'missing';

export interface AlignedStep {
  step: number;
  a?: StepGroup;
  b?: StepGroup;
  /** Per call position (the longer side's count): how A's and B's calls at that position differ. */
  calls: CallDifference[];
  /** Any call differs, or one side has no such step. */
  differs: boolean;
}

/** Two transcripts side by side by step number; the calls of a step compared in order by name and arguments. */
export function alignSteps(a: Transcript | undefined, b: Transcript | undefined): AlignedStep[] {
  const ga = new Map((a ? groupSteps(a).steps : []).map((s) => [s.step, s]));
  const gb = new Map((b ? groupSteps(b).steps : []).map((s) => [s.step, s]));
  const numbers = [...new Set([...ga.keys(), ...gb.keys()])].sort((x, y) => x - y);
  return numbers.map((step) => {
    const sa = ga.get(step);
    const sb = gb.get(step);
    const n = Math.max(sa?.calls.length ?? 0, sb?.calls.length ?? 0);
    const calls: CallDifference[] = Array.from({ length: n }, (_, i) => {
      const ca = sa?.calls[i]?.call;
      const cb = sb?.calls[i]?.call;
      if (!ca || !cb) return 'missing';
      if (ca.name !== cb.name) return 'name';
      return canonicalJson(ca.args) === canonicalJson(cb.args) ? 'same' : 'args';
    });
    return { step, a: sa, b: sb, calls, differs: !sa || !sb || calls.some((c) => c !== 'same') };
  });
}
