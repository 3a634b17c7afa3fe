// The transcript view's pure pieces (viewer-ui/src/transcript.ts): messages grouped into model steps, the steps a
// failing check names, the stop reason in words, two transcripts aligned step by step. Expected values are read
// off the seeded transcripts by hand (test/viewer/transcript-fixtures.ts).
import { describe, expect, it } from 'vitest';
import { alignSteps, canonicalJson, failedSteps, groupSteps, stopText } from '../../viewer-ui/src/transcript.js';
import type { StoredCheck, Transcript } from '../../src/viewer/types.js';
import { TRANSCRIPT_LOOP, TRANSCRIPT_RAG, TRANSCRIPT_V1, TRANSCRIPT_V2 } from './transcript-fixtures.js';

const check = (pass: boolean, reason: string): StoredCheck => ({ type: 't', metric: 't', severity: 'normal', weight: 1, pass, score: pass ? 1 : 0, reason });

describe('groupSteps', () => {
  it('puts each tool result under the call it answers, and the user turn before the step it opens', () => {
    const { steps, after } = groupSteps(TRANSCRIPT_V1);
    expect(steps.map((s) => s.step)).toEqual([1, 2, 3, 4]);
    expect(steps[0].before.map((m) => m.role)).toEqual(['system', 'user']);
    expect(steps[1].before).toEqual([]);
    expect(steps[2].calls.map((c) => [c.call.name, c.result?.error?.class ?? null])).toEqual([
      ['search_flights', 'tool-timeout'],
      ['list_flights', null],
    ]);
    expect(steps[3].calls).toEqual([]);
    expect(after).toEqual([]);
  });

  it('numbers steps by position when a replayed log has none, and leaves a dangling call without a result', () => {
    const log: Transcript = {
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: '', toolCalls: [{ id: 'a', name: 'x', args: {} }] },
        { role: 'tool', toolCallId: 'a', name: 'x', content: 'r' },
        { role: 'assistant', content: '', toolCalls: [{ id: 'b', name: 'y', args: {} }] },
        { role: 'user', content: 'still there?' },
      ],
      steps: 2,
      stop: 'logged',
      maxSteps: null,
    };
    const { steps, after } = groupSteps(log);
    expect(steps.map((s) => s.step)).toEqual([1, 2]);
    expect(steps[0].calls[0].result?.content).toBe('r');
    expect(steps[1].calls[0].result).toBeUndefined();
    expect(after.map((m) => m.content)).toEqual(['still there?']);
    expect(groupSteps(TRANSCRIPT_RAG).steps).toEqual([]);
  });
});

describe('failedSteps', () => {
  it('maps the steps named in failing checks\u2019 reasons to those checks; passing checks point nowhere', () => {
    const failing = check(false, 'none of 2 calls passed; step 2: cancel_reservation({"note":"see step 7 later"}) is forbidden; Step 5: x({})');
    const passing = check(true, 'step 3: get_order({}) matches');
    const limit = check(false, 'stopped at the step limit (8 steps) with tool calls pending');
    const out = failedSteps([failing, passing, limit]);
    expect([...out.keys()].sort()).toEqual([2, 5]);
    expect(out.get(2)).toEqual([failing]);
  });
});

describe('stopText', () => {
  it('says why the agent stopped', () => {
    expect(stopText(TRANSCRIPT_LOOP)).toBe('stopped at max_steps 3 with tool calls pending');
    expect(stopText(TRANSCRIPT_V1)).toBe('answered after 4 steps (max_steps 8)');
    expect(stopText({ ...TRANSCRIPT_RAG, steps: 1, stop: 'logged' })).toBe('replayed log: 1 step, ends where the log ends');
  });
});

describe('alignSteps', () => {
  it('pairs steps by number and marks calls that differ in name or arguments (key order does not count)', () => {
    const rows = alignSteps(TRANSCRIPT_V1, TRANSCRIPT_V2);
    // step 1: same tool, same arguments in another key order; step 2: cancel_reservation vs transfer_to_human_agents;
    // step 3: search_flights JFK vs EWR, and list_flights only in v1; step 4: both answer without a call.
    expect(rows.map((r) => [r.step, r.calls, r.differs])).toEqual([
      [1, ['same'], false],
      [2, ['name'], true],
      [3, ['args', 'missing'], true],
      [4, [], false],
    ]);
  });

  it('marks every step of a side that has no transcript or fewer steps', () => {
    const rows = alignSteps(TRANSCRIPT_LOOP, undefined);
    expect(rows.map((r) => [r.step, r.differs, r.b])).toEqual([
      [1, true, undefined],
      [2, true, undefined],
      [3, true, undefined],
    ]);
    expect(canonicalJson({ b: [1, { d: 2, c: 3 }], a: null })).toBe('{"a":null,"b":[1,{"c":3,"d":2}]}');
  });
});
