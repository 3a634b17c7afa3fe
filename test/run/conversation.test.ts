// The pure parts of conversations (docs/agents.md "Conversations"): what the simulated user model is shown (roles
// flipped, the agent's hidden parts left out) and the transcript a turn's checks see (up to the end of that turn).
import { describe, expect, it } from 'vitest';
import { flippedConversation, SIMULATED_USER_OPENING } from '../../src/run/agent/index.js';
import { transcriptUpToTurn } from '../../src/run/turn-checks.js';
import type { Transcript, TranscriptMessage } from '../../src/score/index.js';
import { judgeOutput } from '../../src/score/judges/prompts.js';

// A conversation written out by hand: turn 0 from the prompt, turn 1 with a tool call (two steps), turn 2.
const MESSAGES: TranscriptMessage[] = [
  { role: 'system', content: 'You are an agent. SECRET POLICY' },
  { role: 'user', content: 'Hi', turn: 0 },
  { role: 'assistant', content: 'Hello!', step: 1, turn: 0 },
  { role: 'user', content: 'Where is ZFA04Y?', turn: 1, simulated: true },
  { role: 'assistant', content: 'Let me look.', toolCalls: [{ id: 'c1', name: 'lookup', args: { id: 'ZFA04Y' } }], step: 2, turn: 1 },
  { role: 'tool', toolCallId: 'c1', name: 'lookup', content: '{"flight":"HAT001"}', step: 2 },
  { role: 'assistant', content: 'On HAT001.', step: 3, turn: 1 },
  { role: 'user', content: 'Thanks', turn: 2, simulated: true },
  { role: 'assistant', content: 'Bye.', step: 4, turn: 2 },
];
const TRANSCRIPT: Transcript = { messages: MESSAGES, steps: 4, stop: 'max-turns', maxSteps: 10 };

describe('flippedConversation', () => {
  it('shows the user model its instruction, the greeting, its own messages as assistant and each turn’s answer as user', () => {
    expect(flippedConversation('Be Ann.', MESSAGES)).toEqual([
      { role: 'system', content: 'Be Ann.' },
      { role: 'user', content: SIMULATED_USER_OPENING },
      { role: 'assistant', content: 'Hi' },
      { role: 'user', content: 'Hello!' },
      { role: 'assistant', content: 'Where is ZFA04Y?' },
      { role: 'user', content: 'On HAT001.' }, // the turn's last text: "Let me look." and the tool result stay hidden
      { role: 'assistant', content: 'Thanks' },
      { role: 'user', content: 'Bye.' },
    ]);
  });

  it('before anyone spoke: the instruction and the greeting only (the agent’s system prompt is never shown)', () => {
    expect(flippedConversation('Be Ann.', [MESSAGES[0]])).toEqual([
      { role: 'system', content: 'Be Ann.' },
      { role: 'user', content: SIMULATED_USER_OPENING },
    ]);
  });
});

describe('transcriptUpToTurn', () => {
  it('cuts the transcript at the end of the turn and counts its steps', () => {
    const upTo = transcriptUpToTurn(TRANSCRIPT, 1)!;
    expect(upTo.messages).toEqual(MESSAGES.slice(0, 7));
    expect(upTo).toMatchObject({ steps: 3, stop: 'final', maxSteps: 10 });
    expect(transcriptUpToTurn(TRANSCRIPT, 2)!.messages).toEqual(MESSAGES);
  });

  it('a turn not in the transcript, or asked and never answered, was not reached', () => {
    expect(transcriptUpToTurn(TRANSCRIPT, 3)).toBeUndefined();
    expect(transcriptUpToTurn(undefined, 1)).toBeUndefined();
    // The simulated user's last words (the stop text removed) are a user message no answer follows.
    const stopped: Transcript = { ...TRANSCRIPT, messages: [...MESSAGES, { role: 'user', content: 'Great', turn: 3, simulated: true }], stop: 'user-stop' };
    expect(transcriptUpToTurn(stopped, 3)).toBeUndefined();
    expect(transcriptUpToTurn(stopped, 2)!.messages).toEqual(MESSAGES);
  });

  it('the last turn of a conversation that hit max_steps keeps that stop', () => {
    const cut: Transcript = { ...TRANSCRIPT, messages: MESSAGES.slice(0, 6), steps: 2, stop: 'max-steps' };
    expect(transcriptUpToTurn(cut, 1)).toMatchObject({ steps: 2, stop: 'max-steps' });
  });
});

describe('what a judge grades in a conversation', () => {
  it('the whole conversation when it has turns, even without tool calls; the final answer alone for a single turn', () => {
    const chat: Transcript = {
      messages: [
        { role: 'system', content: 'You are an agent.' },
        { role: 'user', content: 'Hi', turn: 1, simulated: true },
        { role: 'assistant', content: 'Hello!', step: 1, turn: 1 },
        { role: 'user', content: 'Bye', turn: 2, simulated: true },
        { role: 'assistant', content: 'Goodbye.', step: 2, turn: 2 },
      ],
      steps: 2,
      stop: 'max-turns',
      maxSteps: 10,
    };
    expect(judgeOutput('Goodbye.', chat).split('\n')).toEqual([
      "The agent's conversation, in order; its final answer is the last assistant message.",
      '[user, simulated] Hi',
      '[assistant, step 1] Hello!',
      '[user, simulated] Bye',
      '[assistant, step 2] Goodbye.',
    ]);
    // Turn 0 alone (the prompt's user message) is not a conversation of several turns: the answer as before.
    const single: Transcript = {
      ...chat,
      messages: [
        { role: 'user', content: 'Hi', turn: 0 },
        { role: 'assistant', content: 'Hello!', step: 1, turn: 0 },
      ],
    };
    expect(judgeOutput('Hello!', single)).toBe('Hello!');
  });
});
