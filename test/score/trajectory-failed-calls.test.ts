// trajectory's `ignore_failed_calls: true` on hand-built transcripts: a call that did not take effect — invalid,
// answered with an error class, or rejected by the tool ("Error: …" text as τ-bench's airline tools answer a
// write they refuse, or a JSON object whose `error` is set) — is left out before the comparison; a call nobody
// answered (a log's dangling call) and a result that merely mentions an error are kept.
import { describe, expect, it } from 'vitest';
import type { Transcript, TranscriptMessage } from '../../src/score/index.js';
import { check } from './helpers.js';

type Step = { name: string; args: unknown; result?: string; error?: 'tool-error'; invalid?: true; unanswered?: true };

/** One call per step, each answered by the given tool text (default `{"ok":true}`), then a final answer. */
function transcriptOf(steps: Step[]): Transcript {
  const messages: TranscriptMessage[] = [{ role: 'user', content: 'Change my flight' }];
  steps.forEach((s, i) => {
    const id = `call_${i + 1}`;
    const invalid = s.invalid ? { invalid: { class: 'invalid-args' as const, message: 'not JSON' } } : {};
    messages.push({ role: 'assistant', content: '', step: i + 1, toolCalls: [{ id, name: s.name, args: s.args, ...invalid }] });
    if (s.unanswered) return;
    const error = s.error ? { error: { class: s.error, message: 'boom' } } : {};
    messages.push({ role: 'tool', toolCallId: id, name: s.name, content: s.result ?? '{"ok":true}', step: i + 1, ...error });
  });
  messages.push({ role: 'assistant', content: 'Done.', step: steps.length + 1 });
  return { messages, steps: steps.length + 1, stop: 'logged', maxSteps: null };
}

const update = (cabin: string) => ({ name: 'update_reservation_flights', args: { reservation_id: 'ZFA04Y', cabin } });
const expected = [update('business')];
const spec = (ignore: boolean) => ({ type: 'trajectory', mode: 'strict', args: 'exact', expected, ...(ignore ? { ignore_failed_calls: true } : {}) });

describe('trajectory ignore_failed_calls', () => {
  it('leaves out a write the tool rejected with "Error:" text (τ-bench), so the retried write matches', async () => {
    const t = transcriptOf([{ ...update('business'), result: 'Error: payment method not found' }, update('business')]);
    const without = await check(spec(false), 'Done.', { transcript: t });
    expect(without.pass).toBe(false);
    expect(without.reason).toContain('step 2: update_reservation_flights');
    expect((await check(spec(true), 'Done.', { transcript: t })).pass).toBe(true);
  });

  it('counts every kind of failed call as not made, the rule case-insensitive and after leading space', async () => {
    for (const failed of [
      { ...update('economy'), result: '  error: not enough seats' },
      { ...update('economy'), result: '{"error":"not found"}' },
      { ...update('economy'), error: 'tool-error' as const },
      { ...update('economy'), invalid: true as const },
    ]) {
      const t = transcriptOf([failed, update('business')]);
      expect((await check(spec(false), 'Done.', { transcript: t })).pass).toBe(false);
      expect((await check(spec(true), 'Done.', { transcript: t })).pass, JSON.stringify(failed)).toBe(true);
    }
  });

  it('keeps calls that did take effect or are not known to have failed', async () => {
    for (const kept of [
      { ...update('economy'), result: 'Updated. No error: the seat is yours' }, // mentions an error, does not start with one
      { ...update('economy'), result: '{"error":null,"status":"ok"}' }, // error unset
      { ...update('economy'), unanswered: true as const }, // a dangling call: nothing says it failed
    ]) {
      const t = transcriptOf([kept, update('business')]);
      const r = await check(spec(true), 'Done.', { transcript: t });
      expect(r.pass, JSON.stringify(kept)).toBe(false);
      expect(r.reason).toContain('step 1: update_reservation_flights');
    }
  });

  it('a failed call of the expected write is missing, not made', async () => {
    const t = transcriptOf([{ ...update('business'), result: 'Error: not enough seats' }]);
    expect((await check(spec(false), 'Done.', { transcript: t })).pass).toBe(true);
    const r = await check(spec(true), 'Done.', { transcript: t });
    expect(r.pass).toBe(false);
    expect(r.reason).toContain('was not made');
  });
});
