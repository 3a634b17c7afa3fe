// trajectory on hand-built transcripts. The first block ports LangSmith agentevals' trajectory-match tests
// (langchain-ai/agentevals, js/src/trajectory/tests/trajectory.test.ts) with their published verdicts per mode;
// agentevals compares arguments exactly by default, so those cases set `args: exact`.
import { describe, expect, it } from 'vitest';
import { isEvalspecError } from '../../src/errors.js';
import { compileCheck, prepareChecks, scoreOutput, type CheckSpec } from '../../src/score/index.js';
import { validateCheckSpec } from '../../src/suite/check-specs.js';
import { renderDeep } from '../../src/suite/template.js';
import { transcript } from './agent-transcripts.js';
import { check, context } from './helpers.js';

const w = (city: string) => ({ name: 'get_weather', args: { city } });
const MODES = ['strict', 'unordered', 'superset', 'subset'] as const;
type Verdicts = Record<(typeof MODES)[number], boolean>;

/** agentevals cases: the agent's steps (each a list of parallel calls), the reference calls, the verdict per mode. */
const AGENTEVALS: { name: string; steps: { name: string; args: unknown }[][]; reference: { name: string; args: unknown }[]; verdicts: Verdicts }[] = [
  {
    name: 'trajectory exact match',
    steps: [[w('San Francisco')]],
    reference: [w('San Francisco')],
    verdicts: { strict: true, unordered: true, superset: true, subset: true },
  },
  {
    // Two parallel calls in one step, listed in the other order by the reference.
    name: 'different tool message order',
    steps: [[w('SF'), w('London')]],
    reference: [w('London'), w('SF')],
    verdicts: { strict: true, unordered: true, superset: true, subset: true },
  },
  {
    // SF then London in two steps; the reference has London before SF.
    name: 'different message count',
    steps: [[w('SF')], [w('London')]],
    reference: [w('London'), w('SF')],
    verdicts: { strict: false, unordered: true, superset: true, subset: true },
  },
  {
    name: 'trajectory subset tool call',
    steps: [[w('SF')]],
    reference: [w('London'), w('SF')],
    verdicts: { strict: false, unordered: false, superset: false, subset: true },
  },
  {
    name: 'different called tools',
    steps: [[w('SF')]],
    reference: [{ name: 'accuweather_forecast', args: { city: 'San Francisco' } }],
    verdicts: { strict: false, unordered: false, superset: false, subset: false },
  },
  {
    name: 'trajectory with extra tool calls',
    steps: [[w('San Francisco'), w('London')]],
    reference: [w('San Francisco')],
    verdicts: { strict: false, unordered: false, superset: true, subset: false },
  },
];

describe('trajectory: agentevals verdicts', () => {
  for (const c of AGENTEVALS) {
    for (const mode of MODES) {
      it(`${c.name}: ${mode} → ${c.verdicts[mode] ? 'match' : 'no match'}`, async () => {
        const r = await check({ type: 'trajectory', mode, args: 'exact', expected: c.reference }, 'final', { transcript: transcript([...c.steps, 'final']) });
        expect(r.pass).toBe(c.verdicts[mode]);
        expect(r.score).toBe(c.verdicts[mode] ? 1 : 0);
      });
    }
  }
});

// An airline agent (τ-bench style): look up, cancel, refund.
const agent = transcript([
  [{ name: 'get_reservation_details', args: { reservation_id: 'ZFA04Y' } }],
  [{ name: 'cancel_reservation', args: { reservation_id: 'ZFA04Y' } }],
  [{ name: 'cancel_reservation', args: { reservation_id: 'ZFA04Y' } }],
  'Cancelled.',
]);

describe('trajectory: reasons name the step and the call', () => {
  it('subset: the first call not in the reference', async () => {
    const r = await check({ type: 'trajectory', mode: 'subset', expected: [{ name: 'get_reservation_details' }, { name: 'cancel_reservation' }] }, '', {
      transcript: agent,
    });
    expect(r.reason).toBe('step 3: cancel_reservation({"reservation_id":"ZFA04Y"}) not in the reference');
  });

  it('superset: the first reference call that was not made', async () => {
    const r = await check(
      { type: 'trajectory', mode: 'superset', expected: [{ name: 'cancel_reservation' }, { name: 'send_certificate', args: { amount: 50 } }] },
      '',
      {
        transcript: agent,
      },
    );
    expect(r.reason).toBe('reference call 2 send_certificate({"amount":50}) was not made');
  });

  it('strict: a call in the wrong position, an extra call, a missing call', async () => {
    const swapped = await check({ type: 'trajectory', expected: [{ name: 'cancel_reservation' }, { name: 'get_reservation_details' }] }, '', {
      transcript: agent,
    });
    expect(swapped.reason).toBe(
      'step 1: get_reservation_details({"reservation_id":"ZFA04Y"}) where the reference expects reference call 1 cancel_reservation() (out of order: the reference has it at another position)',
    );
    const extra = await check({ type: 'trajectory', expected: [{ name: 'get_reservation_details' }, { name: 'cancel_reservation' }] }, '', {
      transcript: agent,
    });
    expect(extra.reason).toBe('step 3: cancel_reservation({"reservation_id":"ZFA04Y"}) is extra: the reference has 2 calls');
    const missing = await check(
      {
        type: 'trajectory',
        expected: [{ name: 'get_reservation_details' }, { name: 'cancel_reservation' }, { name: 'cancel_reservation' }, { name: 'refund' }],
      },
      '',
      {
        transcript: agent,
      },
    );
    expect(missing.reason).toBe('reference call 4 refund() was not made (the agent made 3)');
  });

  it('without a transcript it compares an empty list with the reference', async () => {
    expect((await check({ type: 'trajectory', expected: [] }, 'hi')).pass).toBe(true);
    const r = await check({ type: 'trajectory', mode: 'superset', expected: [{ name: 'lookup' }] }, 'hi');
    expect(r).toMatchObject({ pass: false, reason: 'reference call 1 lookup() was not made (no tool calls: the target ran without tools)' });
  });
});

describe('trajectory: argument modes, ignore_tools, matching', () => {
  it('args: subset (default) needs the reference keys only; exact needs equality; ignore compares names', async () => {
    const t = transcript([[{ name: 'book', args: { flight: 'HAT001', cabin: 'economy', passengers: [{ name: 'A' }] } }]]);
    const expected = [{ name: 'book', args: { flight: 'HAT001' } }];
    expect((await check({ type: 'trajectory', expected }, '', { transcript: t })).pass).toBe(true);
    expect((await check({ type: 'trajectory', expected, args: 'exact' }, '', { transcript: t })).pass).toBe(false);
    expect((await check({ type: 'trajectory', expected: [{ name: 'book', args: { flight: 'X' } }], args: 'ignore' }, '', { transcript: t })).pass).toBe(true);
  });

  it('ignore_tools leaves those calls out on both sides', async () => {
    const spec = { type: 'trajectory', expected: [{ name: 'cancel_reservation' }, { name: 'cancel_reservation' }], ignore_tools: ['get_reservation_details'] };
    expect((await check(spec, '', { transcript: agent })).pass).toBe(true);
    expect((await check({ ...spec, ignore_tools: undefined }, '', { transcript: agent })).pass).toBe(false);
  });

  it('pairs calls by a maximum matching, not greedily', async () => {
    // Greedy pairing gives the loose first entry the call {a:1}, leaving nothing for the entry that needs {a:1}.
    const t = transcript([[{ name: 'get', args: { a: 1 } }], [{ name: 'get', args: { a: 2 } }]]);
    const expected = [{ name: 'get' }, { name: 'get', args: { a: 1 } }];
    for (const mode of ['unordered', 'superset', 'subset'] as const)
      expect((await check({ type: 'trajectory', mode, expected }, '', { transcript: t })).pass).toBe(true);
  });
});

async function rejection(run: () => unknown) {
  try {
    await run();
  } catch (err) {
    if (isEvalspecError(err)) return err;
    throw err;
  }
  throw new Error('expected CHECK_INVALID');
}

describe('trajectory: expected from the case vars', () => {
  const where = { file: 'cases.yaml', line: 12, caseId: 't1' };

  it('a "{{var}}" template renders to the JSON of the case var and is checked then', async () => {
    const spec = validateCheckSpec({ type: 'trajectory', mode: 'unordered', expected: '{{expected_actions}}' }, where);
    const actions = [{ name: 'cancel_reservation', args: { reservation_id: 'ZFA04Y' } }, { name: 'get_reservation_details' }, { name: 'cancel_reservation' }];
    const rendered = renderDeep(spec, { expected_actions: actions }) as CheckSpec;
    compileCheck(rendered, where);
    const [prepared] = await prepareChecks([rendered], '.');
    expect((await scoreOutput([prepared], context('', { transcript: agent }))).checks[0]).toMatchObject({
      pass: true,
      reason: '3 calls match the reference of 3 (unordered)',
    });
  });

  it('a rendered value that is not a list of calls is CHECK_INVALID naming the place and the fix', async () => {
    const spec = validateCheckSpec({ type: 'trajectory', expected: '{{expected_actions}}' }, where);
    const notJson = await rejection(() => compileCheck(renderDeep(spec, { expected_actions: 'cancel it' }) as CheckSpec, where));
    expect(notJson).toMatchObject({ code: 'CHECK_INVALID', location: { file: 'cases.yaml', line: 12, caseId: 't1' } });
    expect(notJson.message).toContain('`expected` is not a JSON list of calls');
    expect(notJson.hint).toContain('[{ name: get_order');
    // τ-bench writes `kwargs`: named in the error.
    const wrongKey = await rejection(() => compileCheck(renderDeep(spec, { expected_actions: [{ name: 'x', kwargs: {} }] }) as CheckSpec, where));
    expect(wrongKey.message).toBe('invalid `trajectory` check: `expected.0`: unknown key `kwargs` (an entry has only name and args)');
  });

  it('a literal string that is not a template is checked when the suite loads', async () => {
    const err = await rejection(() => validateCheckSpec({ type: 'trajectory', expected: 'get_reservation_details, cancel' }, where));
    expect(err.code).toBe('CHECK_INVALID');
    const badMode = await rejection(() => validateCheckSpec({ type: 'trajectory', mode: 'exact', expected: [] }, where));
    expect(badMode.message).toContain('mode');
  });
});
