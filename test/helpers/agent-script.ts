// A scripted agent for the fake provider: `startFakeProvider({ answer: scriptedAgent([...]) })` answers each step of
// a tool-calling loop from a script, on every wire (the fake normalises each wire's tool calls and results).
//
// Step index = the number of assistant messages that called tools since the last user message of the request
// (parallel calls in one step count once). So the first request of a turn gets step 0, the request carrying the
// results of step 0's calls gets step 1, and so on; a new user message (the next turn of a conversation) starts
// the script again from step 0. Past the end of the script the last text step answers (the agent is done).
import type { FakeAnswer, FakeMessage, FakeRequest } from '../fake-provider/server.js';

/** A scripted step: tool calls (text may accompany them) or a final text answer. */
export type ScriptStep =
  (Omit<FakeAnswer, 'text'> & { toolCalls: NonNullable<FakeAnswer['toolCalls']>; text?: string }) | (Omit<FakeAnswer, 'toolCalls'> & { text: string });

/** A step, or a function deciding it from the request (e.g. calling tool B with an argument from A's result). */
export type ScriptEntry = ScriptStep | ((req: FakeRequest) => ScriptStep);

const isText = (s: ScriptEntry): s is ScriptStep => typeof s !== 'function' && !('toolCalls' in s && s.toolCalls);

/** The messages of the request's current turn: everything after its last user message. */
function currentTurn(req: Pick<FakeRequest, 'messages'>): FakeMessage[] {
  const lastUser = req.messages.map((m) => m.role).lastIndexOf('user');
  return req.messages.slice(lastUser + 1);
}

/** The step a request asks for (see the header). */
export function stepOf(req: Pick<FakeRequest, 'messages'>): number {
  return currentTurn(req).filter((m) => m.role === 'assistant' && (m.toolCalls?.length ?? 0) > 0).length;
}

/** The tool results of the current turn, in order (the last step's results are at the end). */
export function toolResultsOf(req: Pick<FakeRequest, 'messages'>): FakeMessage[] {
  return currentTurn(req).filter((m) => m.role === 'tool');
}

/** The latest result of the tool named `name` in the current turn, parsed as JSON when it is JSON. */
export function toolResult(req: Pick<FakeRequest, 'messages'>, name: string): unknown {
  const turn = currentTurn(req);
  const callIds = new Map<string, string>();
  for (const m of turn) for (const c of m.toolCalls ?? []) callIds.set(c.id, c.name);
  // Google's results may carry no call id, but always the tool's name.
  const hit = [...turn].reverse().find((m) => m.role === 'tool' && (m.name === name || callIds.get(m.toolCallId ?? '') === name));
  if (!hit) throw new Error(`scriptedAgent: no result of tool "${name}" in the request yet`);
  try {
    return JSON.parse(hit.content) as unknown;
  } catch {
    return hit.content;
  }
}

export function scriptedAgent(script: ScriptEntry[]): (req: FakeRequest) => FakeAnswer {
  const lastText = [...script].reverse().find(isText);
  if (script.length === 0) throw new Error('scriptedAgent: the script has no steps');
  return (req) => {
    const i = stepOf(req);
    const entry = i < script.length ? script[i] : lastText;
    if (!entry) throw new Error(`scriptedAgent: step ${i} is past the end of the script, which has no text step to end on`);
    const step = typeof entry === 'function' ? entry(req) : entry;
    return { ...step, text: step.text ?? '' };
  };
}
