// Hand-built agent transcripts for the behaviour-check tests (behaviour-checks, trajectory).
import type { Transcript, TranscriptMessage } from '../../src/score/index.js';

type Call = { name: string; args: unknown };

/** A transcript: user text, then per step the assistant's calls (or its text), each call answered by a tool message. */
export function transcript(steps: (Call[] | string | { user: string })[], extra: Partial<Transcript> = {}): Transcript {
  const messages: TranscriptMessage[] = [];
  let step = 0;
  let id = 0;
  for (const s of steps) {
    if (typeof s === 'object' && !Array.isArray(s)) {
      messages.push({ role: 'user', content: s.user });
      continue;
    }
    step++;
    if (typeof s === 'string') {
      messages.push({ role: 'assistant', content: s, step });
      continue;
    }
    const calls = s.map((c) => ({ id: `call_${++id}`, name: c.name, args: c.args }));
    messages.push({ role: 'assistant', content: '', toolCalls: calls, step });
    for (const c of calls) messages.push({ role: 'tool', toolCallId: c.id, name: c.name, content: `{"ok":true,"for":"${c.name}"}`, step });
  }
  return { messages, steps: step, stop: 'final', maxSteps: 10, ...extra };
}
