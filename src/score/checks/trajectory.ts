// trajectory: the agent's tool calls against a reference list, with LangSmith agentevals' four modes.
//   strict     the same calls in the same order (calls made together in one step may come in any order among
//              themselves: a model's parallel calls have no order, as agentevals compares one message's calls)
//   unordered  the same calls, any order (a one-to-one pairing of every call with a reference entry)
//   subset     every call the agent made is in the reference (nothing extra; missing ones are fine)
//   superset   every reference call was made (extra calls are fine)
// Calls pair with reference entries by name and arguments (`args:` exact, subset or ignore). The pairing is a
// maximum bipartite matching, so a reference entry with loose arguments cannot steal the only call a stricter
// entry would match (agentevals pairs greedily). Score 1 or 0; the reason names the first extra, missing or
// out-of-order call and its step.
import { z } from 'zod';
import { EvalspecError } from '../../errors.js';
import { fail, pass } from '../evaluator.js';
import type { ToolCallRecord } from '../transcript.js';
import { commonCheckFields as common, defineCheck, nonEmptyString, type CheckLocation } from './definition.js';
import { argsMatch, callsOf, describeCall, describeRecord, expectedCall, failedCall, toolName, type ArgsMode, type ExpectedCall } from './tool-calls.js';

const MODES = ['strict', 'unordered', 'subset', 'superset'] as const;
const expectedList = z.array(expectedCall);

export const trajectory = defineCheck({
  type: 'trajectory',
  schema: z.strictObject({
    type: z.literal('trajectory'),
    ...common,
    mode: z.enum(MODES).default('strict'),
    /** The reference calls, or a template rendering to their JSON (`"{{expected_actions}}"`). */
    expected: z.union([expectedList, nonEmptyString], { error: 'must be a list of { name, args? } or a "{{var}}" template rendering to one' }),
    args: z.enum(['exact', 'subset', 'ignore']).default('subset'),
    /** Calls of these tools (lookups, say) are left out on both sides. */
    ignore_tools: z.array(toolName).optional(),
    /** Calls that did not take effect (tool-calls.ts failedCall: invalid, a tool error, a rejection) are left out. */
    ignore_failed_calls: z.boolean().default(false),
  }),
  templated: (spec) => (typeof spec.expected === 'string' ? spec.expected : undefined),
  compile: (spec, where) => ({ type: 'trajectory' as const, expected: parseExpected(spec.expected, where) }),
  prepare: (spec, env) => {
    const ignore = spec.ignore_tools ?? [];
    const reference = env.compiled.expected.filter((e) => !ignore.includes(e.name));
    return (_view, ctx) => {
      const all = callsOf(ctx.transcript, ignore);
      const calls = spec.ignore_failed_calls ? all.filter((c) => !failedCall(c)) : all;
      const problem = (spec.mode === 'strict' ? strictProblem : matchingProblem(spec.mode))(calls, reference, spec.args);
      if (problem === undefined) return pass(`${calls.length} call${calls.length === 1 ? '' : 's'} match the reference of ${reference.length} (${spec.mode})`);
      return fail(ctx.transcript ? problem : `${problem} (no tool calls: the target ran without tools)`);
    };
  },
});

/** The reference list; a string (a rendered template) must be its JSON. */
function parseExpected(expected: ExpectedCall[] | string, where: CheckLocation): ExpectedCall[] {
  if (typeof expected !== 'string') return expected;
  const hint =
    'set `expected:` to a list such as [{ name: get_order, args: { id: "A1" } }], or to "{{var}}" where the case\'s var holds that list (JSON text or YAML)';
  let parsed: unknown;
  try {
    parsed = JSON.parse(expected);
  } catch (err) {
    const shown = expected.length > 60 ? `${expected.slice(0, 60)}…` : expected;
    throw new EvalspecError(
      'CHECK_INVALID',
      `invalid \`trajectory\` check: \`expected\` is not a JSON list of calls: ${JSON.stringify(shown)} (${(err as Error).message})`,
      {
        ...where,
        hint,
        cause: err,
      },
    );
  }
  const checked = expectedList.safeParse(parsed);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    const at = issue.path.length > 0 ? `\`expected.${issue.path.join('.')}\`: ` : '';
    const message =
      issue.code === 'unrecognized_keys' ? `unknown key ${issue.keys.map((k) => `\`${k}\``).join(', ')} (an entry has only name and args)` : issue.message;
    throw new EvalspecError('CHECK_INVALID', `invalid \`trajectory\` check: ${at}${message.replace(/^Invalid input: /, '')}`, { ...where, hint });
  }
  return checked.data;
}

const refText = (reference: ExpectedCall[], j: number) => `reference call ${j + 1} ${describeCall(reference[j].name, reference[j].args)}`;

const matches = (record: ToolCallRecord, entry: ExpectedCall, mode: ArgsMode) =>
  record.call.name === entry.name && argsMatch(record.call.args, entry.args, mode);

/**
 * A maximum matching between calls and reference entries (Kuhn's augmenting paths; lists are short).
 * Returns, per reference entry, the index of the call paired with it (-1 when none).
 */
function maximumMatching(calls: ToolCallRecord[], reference: ExpectedCall[], mode: ArgsMode): number[] {
  const callOf = reference.map(() => -1);
  const refOf = calls.map(() => -1);
  const augment = (i: number, seen: boolean[]): boolean => {
    for (let j = 0; j < reference.length; j++) {
      if (seen[j] || !matches(calls[i], reference[j], mode)) continue;
      seen[j] = true;
      if (callOf[j] === -1 || augment(callOf[j], seen)) {
        callOf[j] = i;
        refOf[i] = j;
        return true;
      }
    }
    return false;
  };
  for (let i = 0; i < calls.length; i++)
    augment(
      i,
      reference.map(() => false),
    );
  return callOf;
}

type Problem = (calls: ToolCallRecord[], reference: ExpectedCall[], mode: ArgsMode) => string | undefined;

function matchingProblem(mode: 'unordered' | 'subset' | 'superset'): Problem {
  return (calls, reference, argsMode) => {
    const callOf = maximumMatching(calls, reference, argsMode);
    const paired = new Set(callOf.filter((i) => i >= 0));
    const extra = calls.findIndex((_, i) => !paired.has(i));
    const missing = callOf.indexOf(-1);
    const extraText = extra >= 0 ? `${describeRecord(calls[extra])} not in the reference` : undefined;
    const missingText = missing >= 0 ? `${refText(reference, missing)} was not made` : undefined;
    if (mode === 'subset') return extraText;
    if (mode === 'superset') return missingText;
    return [extraText, missingText].filter((t) => t !== undefined).join('; ') || undefined;
  };
}

/** strict: walk the agent's steps; each step's calls must pair with the next entries of the reference. */
const strictProblem: Problem = (calls, reference, argsMode) => {
  let next = 0;
  for (let start = 0; start < calls.length;) {
    let end = start + 1;
    while (end < calls.length && calls[end].messageIndex === calls[start].messageIndex) end++;
    const group = calls.slice(start, end);
    const expected = reference.slice(next, next + group.length);
    const callOf = maximumMatching(group, expected, argsMode);
    const paired = new Set(callOf.filter((i) => i >= 0));
    const wrong = group.findIndex((_, i) => !paired.has(i));
    if (wrong >= 0) {
      const missing = callOf.indexOf(-1);
      if (missing < 0) return `${describeRecord(group[wrong])} is extra: the reference has ${reference.length} call${reference.length === 1 ? '' : 's'}`;
      const where = next + missing;
      const elsewhere = reference.some((entry, j) => (j < next || j >= next + group.length) && matches(group[wrong], entry, argsMode));
      return `${describeRecord(group[wrong])} where the reference expects ${refText(reference, where)}${elsewhere ? ' (out of order: the reference has it at another position)' : ''}`;
    }
    next += group.length;
    start = end;
  }
  return next < reference.length ? `${refText(reference, next)} was not made (the agent made ${calls.length})` : undefined;
};
