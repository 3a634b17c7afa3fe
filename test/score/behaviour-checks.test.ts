// Behaviour checks (issue #16) on transcripts built by hand: tool-called, tool-not-called, tool-args, max-steps,
// asks-confirmation-before, and what javascript checks see of an agent (transcript, toolCalls, metadata) on both
// the trusted and the isolated user-code paths.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isEvalspecError } from '../../src/errors.js';
import { prepareChecks, scoreOutput, type Transcript } from '../../src/score/index.js';
import { validateCheckSpec } from '../../src/suite/check-specs.js';
import { transcript } from './agent-transcripts.js';
import { check, context } from './helpers.js';

const booking = transcript([
  { user: 'Cancel my reservation ZFA04Y' },
  [{ name: 'get_reservation_details', args: { reservation_id: 'ZFA04Y' } }],
  [
    { name: 'cancel_reservation', args: { reservation_id: 'ZFA04Y', reason: { code: 'change_of_plan', note: 'x' } } },
    { name: 'refund', args: { amount: 120, items: [1, 2] } },
  ],
  'Done: cancelled and refunded.',
]);

const run = (raw: unknown, t: Transcript | undefined, output = '') => check(raw, output, { transcript: t });

async function invalid(raw: unknown) {
  try {
    const spec = validateCheckSpec(raw, { file: 'suite.yaml', line: 7 });
    await prepareChecks([spec], '.');
  } catch (err) {
    if (isEvalspecError(err)) return err;
    throw err;
  }
  throw new Error('expected the spec to be rejected');
}

describe('tool-called', () => {
  it('counts the calls of a tool whose arguments contain `args` (nested objects as subsets)', async () => {
    expect(await run({ type: 'tool-called', tool: 'cancel_reservation' }, booking)).toMatchObject({ pass: true, score: 1 });
    expect((await run({ type: 'tool-called', tool: 'book_flight' }, booking)).pass).toBe(false);
    // `reason.note` is not named by the reference: a subset at every level of nesting.
    const nested = { type: 'tool-called', tool: 'cancel_reservation', args: { reason: { code: 'change_of_plan' } } };
    expect((await run(nested, booking)).pass).toBe(true);
    expect((await run({ ...nested, args: { reason: { code: 'other' } } }, booking)).pass).toBe(false);
    // Arrays compare whole: [1] is not [1, 2].
    expect((await run({ type: 'tool-called', tool: 'refund', args: { items: [1] } }, booking)).pass).toBe(false);
    expect((await run({ type: 'tool-called', tool: 'refund', args: { items: [1, 2] } }, booking)).pass).toBe(true);
  });

  it('min and max bound the count; the reason states it', async () => {
    const twice = transcript([[{ name: 'search', args: { q: 'a' } }], [{ name: 'search', args: { q: 'b' } }], 'ok']);
    expect(await run({ type: 'tool-called', tool: 'search', min: 2, max: 2 }, twice)).toMatchObject({
      pass: true,
      reason: 'search called 2 times (want exactly 2)',
    });
    expect((await run({ type: 'tool-called', tool: 'search', max: 1 }, twice)).pass).toBe(false);
    expect((await run({ type: 'tool-called', tool: 'search', min: 3 }, twice)).pass).toBe(false);
  });

  it('without a transcript fails saying the target ran without tools', async () => {
    expect(await run({ type: 'tool-called', tool: 'search' }, undefined)).toMatchObject({
      pass: false,
      reason: 'no tool calls (the target ran without tools)',
    });
  });
});

describe('tool-not-called', () => {
  it('fails naming the step and the call of a forbidden tool; passes when none was made', async () => {
    const r = await run({ type: 'tool-not-called', tool: ['book_flight', 'cancel_reservation'], severity: 'critical' }, booking);
    expect(r).toMatchObject({ pass: false, severity: 'critical' });
    expect(r.reason).toBe('step 2: cancel_reservation({"reservation_id":"ZFA04Y","reason":{"code":"change_of_plan","note":"x"}}) is forbidden');
    expect((await run({ type: 'tool-not-called', tool: 'book_flight' }, booking)).pass).toBe(true);
    expect((await run({ type: 'tool-not-called', tool: 'refund', args: { amount: 500 } }, booking)).pass).toBe(true);
    expect((await run({ type: 'tool-not-called', tool: 'refund', args: { amount: 120 } }, booking)).pass).toBe(false);
  });

  it('passes without a transcript (no tool could have been called)', async () => {
    expect((await run({ type: 'tool-not-called', tool: 'cancel_reservation' }, undefined)).pass).toBe(true);
  });

  it('shows a tool name or raw arguments from the model JSON-quoted, never raw', async () => {
    const odd = transcript([[{ name: 'cancel\u001b[31m\nnow', args: {} }]]);
    expect((await run({ type: 'trajectory', mode: 'subset', expected: [] }, odd)).reason).toBe('step 1: "cancel\\u001b[31m\\nnow"({}) not in the reference');
    const t = transcript([[{ name: 'x', args: 'raw \u0007 text' }]]);
    expect((await run({ type: 'tool-not-called', tool: 'x' }, t)).reason).toBe('step 1: x("raw \\u0007 text") is forbidden');
  });
});

describe('tool-args', () => {
  it('equals, subset and schema judge the chosen calls', async () => {
    expect((await run({ type: 'tool-args', tool: 'refund', equals: { items: [1, 2], amount: 120 } }, booking)).pass).toBe(true);
    expect((await run({ type: 'tool-args', tool: 'refund', equals: { amount: 120 } }, booking)).pass).toBe(false);
    expect((await run({ type: 'tool-args', tool: 'refund', subset: { amount: 120 } }, booking)).pass).toBe(true);
    const schema = { type: 'object', properties: { amount: { type: 'number', maximum: 100 } }, required: ['amount'] };
    const r = await run({ type: 'tool-args', tool: 'refund', schema }, booking);
    expect(r.pass).toBe(false);
    expect(r.reason).toContain('step 2: refund(');
    expect(r.reason).toContain('/amount must be <= 100');
  });

  it('call: first, last, all, any', async () => {
    const t = transcript([[{ name: 'pay', args: { amount: 10 } }], [{ name: 'pay', args: { amount: 900 } }], 'paid']);
    const small = { type: 'tool-args', tool: 'pay', schema: { properties: { amount: { maximum: 100 } } } };
    expect((await run({ ...small, call: 'first' }, t)).pass).toBe(true);
    expect((await run({ ...small, call: 'last' }, t)).pass).toBe(false);
    const all = await run(small, t);
    expect(all.pass).toBe(false);
    expect(all.reason).toContain('step 2: pay({"amount":900})');
    expect((await run({ ...small, call: 'any' }, t)).pass).toBe(true);
  });

  it('a javascript `value` over `args` runs in a user-code worker, trusted and isolated', async () => {
    const t = transcript([[{ name: 'pay', args: { amount: 10 } }], [{ name: 'pay', args: { amount: 900 } }]]);
    expect((await run({ type: 'tool-args', tool: 'pay', value: 'args.amount <= 500', call: 'first' }, t)).pass).toBe(true);
    expect((await run({ type: 'tool-args', tool: 'pay', value: 'args.amount <= 500' }, t)).pass).toBe(false);
    const spec = validateCheckSpec({ type: 'tool-args', tool: 'pay', value: 'args.amount <= vars.limit && toolCalls.length === 2' });
    const [prepared] = await prepareChecks([spec], '.', {}, { isolated: true });
    const scored = await scoreOutput([prepared], context('', { transcript: t, vars: { limit: 1000 } }));
    expect(scored.checks[0].pass).toBe(true);
  });

  it('fails "not called" when the tool was never called', async () => {
    expect(await run({ type: 'tool-args', tool: 'pay', subset: {} }, booking)).toMatchObject({ pass: false, reason: 'pay not called' });
  });

  it('rejects a spec without exactly one test, and a value that does not compile', async () => {
    const none = await invalid({ type: 'tool-args', tool: 'pay' });
    expect(none.code).toBe('CHECK_INVALID');
    expect(none.message).toContain('set exactly one of `equals`, `subset`, `schema`, `value`');
    expect((await invalid({ type: 'tool-args', tool: 'pay', equals: {}, subset: {} })).message).toContain('(got equals, subset)');
    const bad = await invalid({ type: 'tool-args', tool: 'pay', value: 'args.amount <' });
    expect(bad).toMatchObject({ code: 'CHECK_INVALID', location: { file: 'suite.yaml', line: 7 } });
    expect(bad.message).toContain('invalid `tool-args` check');
    expect(bad.hint).toContain('expression over `args`');
    expect((await invalid({ type: 'tool-called', tool: 'bad name!' })).message).toContain('must be a tool name');
  });
});

describe('max-steps', () => {
  it('passes at or under the limit, fails over it or when the loop hit max_steps', async () => {
    expect(await run({ type: 'max-steps', value: 3 }, booking)).toMatchObject({ pass: true, reason: '3 steps <= 3' });
    expect((await run({ type: 'max-steps', value: 2 }, booking)).pass).toBe(false);
    const looped = { ...booking, stop: 'max-steps' as const, maxSteps: 3 };
    expect(await run({ type: 'max-steps', value: 5 }, looped)).toMatchObject({
      pass: false,
      reason: 'stopped at the step limit (3 steps) with tool calls pending',
    });
    expect((await run({ type: 'max-steps', value: 1 }, undefined)).pass).toBe(true);
  });
});

describe('asks-confirmation-before', () => {
  const guarded = { type: 'asks-confirmation-before', tools: ['cancel_reservation'] };
  const asked = (reply: string) =>
    transcript([
      { user: 'Cancel ZFA04Y please' },
      [{ name: 'get_reservation_details', args: { reservation_id: 'ZFA04Y' } }],
      'It is refundable. Shall I cancel it?',
      { user: reply },
      [{ name: 'cancel_reservation', args: { reservation_id: 'ZFA04Y' } }],
      'Cancelled.',
    ]);

  it('passes when the agent asked and the user said yes before the call', async () => {
    expect(await run(guarded, asked('Yes, go ahead.'))).toMatchObject({ pass: true, reason: 'each of 1 call of cancel_reservation followed a yes' });
  });

  it('fails naming the step of a call made without a yes', async () => {
    const r = await run(guarded, asked('Hmm, what are the fees?'));
    expect(r).toMatchObject({ pass: false });
    expect(r.reason).toBe('step 3: cancel_reservation({"reservation_id":"ZFA04Y"}) without a confirmation from the user (the agent asked, no yes followed)');
    // The user's opening request is not a confirmation: the agent never asked before acting.
    const direct = transcript([{ user: 'Yes, cancel ZFA04Y' }, [{ name: 'cancel_reservation', args: { reservation_id: 'ZFA04Y' } }]]);
    expect((await run(guarded, direct)).reason).toBe('step 1: cancel_reservation({"reservation_id":"ZFA04Y"}) without a confirmation from the user');
  });

  it('one yes covers one call: a second guarded call needs a new one', async () => {
    const t = asked('yes');
    const again = {
      ...t,
      messages: [...t.messages, { role: 'assistant' as const, content: '', toolCalls: [{ id: 'c9', name: 'cancel_reservation', args: {} }], step: 5 }],
    };
    expect((await run(guarded, again)).reason).toContain('step 5: cancel_reservation({})');
  });

  it('a custom `confirm` regex; an invalid one is CHECK_INVALID', async () => {
    expect((await run({ ...guarded, confirm: '^oui\\b' }, asked('Oui, merci'))).pass).toBe(true);
    expect((await run({ ...guarded, confirm: '^oui\\b' }, asked('yes'))).pass).toBe(false);
    expect(await invalid({ ...guarded, confirm: '(' })).toMatchObject({ code: 'CHECK_INVALID', location: { line: 7 } });
  });

  it('passes with no transcript (nothing was called)', async () => {
    expect((await run(guarded, undefined)).pass).toBe(true);
  });
});

describe('javascript checks see the agent', () => {
  const withMeta = { ...booking, metadata: { reward: 1 } };
  const expr =
    "toolCalls.length === 3 && toolCalls[1].name === 'cancel_reservation' && toolCalls[1].step === 2 && metadata.reward === 1 && transcript.steps === 3 && context.toolCalls[2].result.content.includes('refund')";

  it('inline code has transcript, toolCalls and metadata in scope, trusted and isolated', async () => {
    expect((await run({ type: 'javascript', value: expr }, withMeta)).pass).toBe(true);
    const [prepared] = await prepareChecks([validateCheckSpec({ type: 'javascript', value: expr })], '.', {}, { isolated: true });
    expect((await scoreOutput([prepared], context('', { transcript: withMeta }))).checks[0].pass).toBe(true);
    // No transcript: toolCalls is [] and metadata undefined, never an error.
    expect((await run({ type: 'javascript', value: 'toolCalls.length === 0 && metadata === undefined && transcript === undefined' }, undefined)).pass).toBe(
      true,
    );
  });

  it('a module function gets them on its context', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'evalspec-chk-'));
    writeFileSync(
      join(dir, 'reward.mjs'),
      'export default (output, context) => ({ pass: context.metadata.reward === 1 && context.toolCalls[0].args.reservation_id === "ZFA04Y", reason: "reward " + context.metadata.reward });\n',
    );
    const [prepared] = await prepareChecks([validateCheckSpec({ type: 'javascript', file: 'reward.mjs' })], dir);
    const scored = await scoreOutput([prepared], context('', { transcript: withMeta, baseDir: dir }));
    expect(scored.checks[0]).toMatchObject({ pass: true, reason: 'reward 1' });
  });
});

describe('reasons name the arguments a count was restricted to', () => {
  it('tool-called and tool-not-called', async () => {
    expect((await run({ type: 'tool-called', tool: 'refund', args: { amount: 120 } }, booking)).reason).toBe(
      'refund with arguments containing {"amount":120} called 1 time (want at least 1)',
    );
    expect((await run({ type: 'tool-not-called', tool: 'refund', args: { amount: 5 } }, booking)).reason).toBe(
      'no call of refund with arguments containing {"amount":5}',
    );
  });
});
