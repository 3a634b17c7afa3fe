// Agent transcripts (issue #16) for the viewer's tests: two variants of an airline agent on one case, an agent
// that ran out of steps, a RAG target's context. Plain data (typed by the viewer's API types), so both the
// browser-side unit tests and the store seeder (transcript-seed.ts) import it.
import type { Transcript } from '../../src/viewer/types.js';

export const XSS_RESULT = '{"status":"cancelled","note":"<script>alert(1)</script><img src=x onerror=\\"alert(2)\\">"}';
/** A tool result long enough to be folded (the view shows its start and a "show all" button). */
export const LONG_RESULT = JSON.stringify({ flights: Array.from({ length: 60 }, (_, i) => ({ flight: `HAT${100 + i}`, seats: i })) });

const system = { role: 'system', content: 'You are an airline agent. Never cancel a basic-economy booking.' } as const;
const user = { role: 'user', content: 'Cancel reservation ZFA04Y and find me a flight from JFK.', turn: 0 } as const;
const usage = (i: number, o: number) => ({ inputTokens: i, outputTokens: o });

/** Variant v1: looks up, cancels (the forbidden action, at step 2), searches (the tool times out), answers. */
export const TRANSCRIPT_V1: Transcript = {
  messages: [
    system,
    user,
    {
      role: 'assistant',
      content: '',
      step: 1,
      toolCalls: [{ id: 'c1', name: 'get_reservation_details', args: { reservation_id: 'ZFA04Y', user_id: 'u7' } }],
      usage: usage(120, 14),
      latencyMs: 812,
      finishReason: 'tool-calls',
    },
    { role: 'tool', toolCallId: 'c1', name: 'get_reservation_details', content: '{"cabin":"basic_economy"}', step: 1, latencyMs: 3 },
    {
      role: 'assistant',
      content: 'Cancelling it now.',
      step: 2,
      toolCalls: [{ id: 'c2', name: 'cancel_reservation', args: { reservation_id: 'ZFA04Y' } }],
      usage: usage(150, 12),
      latencyMs: 640,
      finishReason: 'tool-calls',
    },
    { role: 'tool', toolCallId: 'c2', name: 'cancel_reservation', content: XSS_RESULT, step: 2 },
    {
      role: 'assistant',
      content: '',
      step: 3,
      toolCalls: [
        { id: 'c3', name: 'search_flights', args: { origin: 'JFK' } },
        { id: 'c4', name: 'list_flights', args: { origin: 'JFK' } },
      ],
      usage: usage(170, 10),
      latencyMs: 590,
      finishReason: 'tool-calls',
    },
    {
      role: 'tool',
      toolCallId: 'c3',
      name: 'search_flights',
      content: '',
      step: 3,
      error: { class: 'tool-timeout', message: 'search_flights did not answer within 10000 ms' },
    },
    { role: 'tool', toolCallId: 'c4', name: 'list_flights', content: LONG_RESULT, step: 3 },
    { role: 'assistant', content: 'Your booking is cancelled.', step: 4, usage: usage(300, 9), latencyMs: 400, finishReason: 'stop' },
  ],
  steps: 4,
  stop: 'final',
  maxSteps: 8,
};

/** Variant v2: the same look-up (keys in another order), a different tool at step 2, other arguments at step 3. */
export const TRANSCRIPT_V2: Transcript = {
  messages: [
    system,
    user,
    {
      role: 'assistant',
      content: '',
      step: 1,
      toolCalls: [{ id: 'd1', name: 'get_reservation_details', args: { user_id: 'u7', reservation_id: 'ZFA04Y' } }],
    },
    { role: 'tool', toolCallId: 'd1', name: 'get_reservation_details', content: '{"cabin":"basic_economy"}', step: 1 },
    {
      role: 'assistant',
      content: '',
      step: 2,
      toolCalls: [
        {
          id: 'd2',
          name: 'transfer_to_human_agents',
          // Long arguments (12 lines of pretty JSON): the view folds them.
          args: { summary: 'basic economy', history: ['looked up ZFA04Y', 'cabin basic_economy', 'policy: no cancellation', 'user insists', 'escalate'] },
        },
      ],
    },
    { role: 'tool', toolCallId: 'd2', name: 'transfer_to_human_agents', content: 'ok', step: 2 },
    { role: 'assistant', content: '', step: 3, toolCalls: [{ id: 'd3', name: 'search_flights', args: { origin: 'EWR' } }] },
    { role: 'tool', toolCallId: 'd3', name: 'search_flights', content: '[]', step: 3 },
    { role: 'assistant', content: 'A colleague will help you with the cancellation.', step: 4 },
  ],
  steps: 4,
  stop: 'final',
  maxSteps: 8,
};

/** An agent that kept calling tools until the step limit (3). */
export const TRANSCRIPT_LOOP: Transcript = {
  messages: [
    { role: 'user', content: 'Where is my bag?' },
    ...[1, 2, 3].flatMap((step) => [
      { role: 'assistant' as const, content: '', step, toolCalls: [{ id: `l${step}`, name: 'track_bag', args: { tag: 'AB123' } }] },
      { role: 'tool' as const, toolCallId: `l${step}`, name: 'track_bag', content: '{"status":"in transit"}', step },
    ]),
  ],
  steps: 3,
  stop: 'max-steps',
  maxSteps: 3,
};

/** A RAG function target: no steps, the retrieved documents and metadata. */
export const TRANSCRIPT_RAG: Transcript = {
  messages: [],
  steps: 0,
  stop: 'final',
  maxSteps: null,
  context: [
    { id: 'policy-7', text: 'Basic economy fares cannot be cancelled after 24 hours.', score: 0.91 },
    { id: 'faq-2', text: 'Bags are tracked by tag number.' },
  ],
  metadata: { retriever: 'bm25', index_version: 3 },
};
