// The first few failing results per variant, for the human-readable reports. An agent's failure also gets one
// line on what it did (agentFailureLine): why it stopped and the step and tool call where its first failing
// behaviour check points, so a reader sees where the agent went wrong without opening the viewer.
import type { ResultRow, Store, StoredCheck } from '../store/index.js';
import { describeCall, toolCallsOf, type ChainStep, type Transcript } from '../score/index.js';

export interface FailureSample {
  variantId: string;
  caseId: string;
  repeat: number;
  reason: string;
  output: string | null;
  critical: boolean;
  /** For an agent result: agentFailureLine (raw text: each format escapes it); undefined otherwise. */
  agent?: string;
}

export async function sampleFailures(store: Store, runId: string, variantIds: string[], perVariant = 5): Promise<Map<string, FailureSample[]>> {
  const out = new Map<string, FailureSample[]>();
  for (const variantId of variantIds) {
    const list: FailureSample[] = [];
    for await (const r of store.results.list(runId, { variantId })) {
      if (r.pass === true) continue;
      const failed = r.checks.filter((c) => !c.pass);
      const agent = agentFailureLine(r);
      list.push({
        variantId,
        caseId: r.caseId,
        repeat: r.repeat,
        reason: r.errorClass ? `error ${r.errorClass}: ${r.errorMessage ?? ''}` : failed.map((c) => `${c.metric}: ${c.reason}`).join('; '),
        output: r.output,
        critical: failed.some((c) => c.severity === 'critical'),
        ...(agent ? { agent } : {}),
      });
      if (list.length >= perVariant) break;
    }
    out.set(variantId, list);
  }
  return out;
}

/** The checks that judge what an agent did (src/score/checks/behaviour.ts, trajectory.ts). */
const BEHAVIOUR_CHECKS = new Set(['tool-called', 'tool-not-called', 'tool-args', 'trajectory', 'max-steps', 'asks-confirmation-before']);

/** How the behaviour checks name a call in a reason: `step 3: cancel_reservation({…})` (tool-calls.ts describeRecord). */
const STEP_CALL = /\bstep (\d+): ([A-Za-z0-9_.-]{1,64})\(/;

/**
 * A `function:` chain's steps in one line (docs/playground.md "Chains"), each with its model and the start of its
 * output or its error, e.g. `chain of 2 steps: classify [openai:gpt-4o-mini] "account" → answer [openai:gpt-4o]
 * "Thanks…"`: which step went wrong, without opening the viewer. Raw text: every format escapes it.
 */
function chainLine(chain: ChainStep[]): string {
  const cut = (text: string) => (text.length > 40 ? `${text.slice(0, 39)}…` : text);
  const steps = chain.map(
    (s) => `${s.name}${s.model ? ` [${s.model}]` : ''} ${s.error !== undefined ? `failed: ${cut(s.error)}` : JSON.stringify(cut(s.output))}`,
  );
  return `chain of ${chain.length} step${chain.length === 1 ? '' : 's'}: ${steps.join(' → ')}`;
}

function stopText(t: Transcript): string {
  const steps = `${t.steps} step${t.steps === 1 ? '' : 's'}`;
  switch (t.stop) {
    case 'final':
      return `answered after ${steps}`;
    case 'max-steps':
      return `stopped at max_steps ${t.maxSteps ?? t.steps} with tool calls pending`;
    case 'user-stop':
      return `the simulated user ended it after ${steps}`;
    case 'max-turns':
      return `the turns ran out after ${steps}`;
    case 'logged':
      return `replayed log of ${steps}`;
    default:
      return `stopped (${String(t.stop)}) after ${steps}`;
  }
}

/**
 * One line on a failing agent result, e.g. `stopped at max_steps 8 with tool calls pending; trajectory fails at
 * step 3: cancel_reservation({"reservation_id":"ZFA04Y"})`. The failing behaviour check that names the earliest
 * step is the one shown (where the agent first went wrong; ties: check order); its call's arguments come from the
 * transcript, cut to 80 characters. Raw text (tool names and arguments are model output): every format escapes it.
 * null for a result without a conversation (a plain call, a RAG target's context-only transcript).
 */
export function agentFailureLine(row: Pick<ResultRow, 'transcript' | 'checks'>): string | null {
  const t = row.transcript;
  if (t?.chain?.length) return chainLine(t.chain);
  if (!t || t.steps === 0) return null;
  let first: { check: StoredCheck; step: number | null; tool: string | null } | undefined;
  for (const check of row.checks) {
    if (check.pass || !BEHAVIOUR_CHECKS.has(check.type)) continue;
    const m = STEP_CALL.exec(check.reason);
    const step = m ? Number(m[1]) : null;
    if (!first || (step !== null && (first.step === null || step < first.step))) first = { check, step, tool: m ? m[2] : null };
  }
  const parts = [stopText(t)];
  if (first) {
    const call = first.step === null ? undefined : toolCallsOf(t).find((c) => c.step === first.step && c.call.name === first.tool);
    const where = first.step === null ? '' : ` at step ${first.step}${call ? `: ${describeCall(call.call.name, call.call.args, 80)}` : ''}`;
    parts.push(`${first.check.metric} fails${where}`);
  }
  return parts.join('; ');
}
