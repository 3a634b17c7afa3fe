// Checks on what an agent did (issue #16): tool-called, tool-not-called, tool-args, max-steps,
// asks-confirmation-before. Each reads the transcript's calls through toolCallsOf; a result without a
// transcript (a plain single call) is a conversation with no tool calls and one step. Arguments are JSON
// values compared by deep equality (`args:` of tool-called/tool-not-called is a subset: see argsContain).
import type { ValidateFunction } from 'ajv';
import { z } from 'zod';
import { EvalspecError } from '../../errors.js';
import { userCodePool } from '../../user-code/index.js';
import type { CheckContext, CheckOutcome } from '../check-types.js';
import { fail, indeterminate, pass } from '../evaluator.js';
import { preview } from '../output-view.js';
import type { ToolCallRecord } from '../transcript.js';
import { commonCheckFields as common, defineCheck, NOTHING_COMPILED, nonEmptyString, type CheckLocation, type NothingCompiled } from './definition.js';
import { compileExpression, interpret, plainContext, type InlineCheckSource } from './javascript.js';
import { compileSchema, formatErrors } from './json.js';
import { argsContain, argsText, callsOf, describeCall, describeRecord, shownName, toolName } from './tool-calls.js';

const NO_TRANSCRIPT = 'no tool calls (the target ran without tools)';

const withArgs = (args: unknown) => (args === undefined ? '' : ` with arguments containing ${argsText(args)}`);

export const toolCalled = defineCheck({
  type: 'tool-called',
  schema: z
    .strictObject({
      type: z.literal('tool-called'),
      ...common,
      tool: toolName,
      /** Only calls whose arguments contain these (subset, deep-equal values) count. */
      args: z.json().optional(),
      min: z.number().int().min(0, { error: 'must be a whole number >= 0' }).default(1),
      max: z.number().int().min(0, { error: 'must be a whole number >= 0' }).optional(),
    })
    .superRefine((spec, ctx) => {
      if (spec.max !== undefined && spec.max < spec.min) {
        ctx.addIssue({ code: 'custom', path: ['max'], message: `must be >= min (${spec.min})` });
      }
    }),
  prepare: (spec) => {
    const { tool, args, min, max } = spec;
    const want = max === undefined ? `at least ${min}` : min === max ? `exactly ${min}` : `${min} to ${max}`;
    const what = `${shownName(tool)}${withArgs(args)}`;
    return (_view, ctx) => {
      if (!ctx.transcript && min > 0) return fail(NO_TRANSCRIPT);
      const count = callsOf(ctx.transcript).filter((c) => c.call.name === tool && (args === undefined || argsContain(c.call.args, args))).length;
      const ok = count >= min && (max === undefined || count <= max);
      const text = `${what} called ${count} time${count === 1 ? '' : 's'} (want ${want})`;
      return ok ? pass(text) : fail(text);
    };
  },
});

export const toolNotCalled = defineCheck({
  type: 'tool-not-called',
  schema: z.strictObject({
    type: z.literal('tool-not-called'),
    ...common,
    tool: z.union([toolName, z.array(toolName).min(1, { error: 'must list at least one tool' })]),
    /** Only calls whose arguments contain these are forbidden. */
    args: z.json().optional(),
  }),
  prepare: (spec) => {
    const tools = Array.isArray(spec.tool) ? spec.tool : [spec.tool];
    const names = tools.map(shownName).join(', ');
    return (_view, ctx) => {
      const made = callsOf(ctx.transcript).find((c) => tools.includes(c.call.name) && (spec.args === undefined || argsContain(c.call.args, spec.args)));
      return made ? fail(`${describeRecord(made)} is forbidden`) : pass(`no call of ${names}${withArgs(spec.args)}`);
    };
  },
});

/** Which of a tool's calls tool-args judges. */
const CALL_SELECTION = ['first', 'last', 'all', 'any'] as const;
const ARG_TESTS = ['equals', 'subset', 'schema', 'value'] as const;

/** The bound name `value:` code of tool-args sees (besides everything an inline javascript check sees). */
const ARGS_PRELUDE = {
  check: 'tool-args',
  code: 'const args = context.args;\n',
  hint: 'write an expression over `args`, such as `args.amount <= 500`, or a function body that uses `return`',
};

type CompiledToolArgs = { type: 'tool-args-schema'; validate: ValidateFunction } | { type: 'tool-args-value'; source: InlineCheckSource } | NothingCompiled;

/** The deadline of one `value:` predicate (as a javascript check's default `timeout_ms`). */
const VALUE_TIMEOUT_MS = 30_000;

export const toolArgs = defineCheck({
  type: 'tool-args',
  schema: z
    .strictObject({
      type: z.literal('tool-args'),
      ...common,
      tool: toolName,
      call: z.enum(CALL_SELECTION).default('all'),
      equals: z.json().optional(),
      subset: z.record(z.string(), z.json(), { error: 'must be a mapping of argument names to values' }).optional(),
      schema: z.union([z.record(z.string(), z.json()), z.boolean()], { error: 'must be a JSON schema (an object)' }).optional(),
      /** An inline javascript expression over `args` (runs where javascript checks run). */
      value: nonEmptyString.optional(),
    })
    .superRefine((spec, ctx) => {
      const set = ARG_TESTS.filter((key) => spec[key] !== undefined);
      if (set.length !== 1) {
        ctx.addIssue({
          code: 'custom',
          path: [],
          message: `set exactly one of ${ARG_TESTS.map((k) => `\`${k}\``).join(', ')}${set.length > 1 ? ` (got ${set.join(', ')})` : ''}`,
        });
      }
    }),
  templated: (spec) => spec.value ?? (spec.schema === undefined ? undefined : JSON.stringify(spec.schema)),
  compile: (spec, where): CompiledToolArgs => {
    if (spec.schema !== undefined) return { type: 'tool-args-schema', validate: compileSchema(spec.schema, where) };
    if (spec.value !== undefined) return { type: 'tool-args-value', source: compileExpression(spec.value, where, ARGS_PRELUDE).source };
    return NOTHING_COMPILED;
  },
  prepare: (spec, env) => {
    const judgeArgs = argumentTest(spec, env.compiled, env.isolated ?? false);
    return async (_view, ctx) => {
      const all = callsOf(ctx.transcript).filter((c) => c.call.name === spec.tool);
      if (all.length === 0) return fail(`${shownName(spec.tool)} not called${ctx.transcript ? '' : ` (${NO_TRANSCRIPT})`}`);
      const chosen = spec.call === 'first' ? [all[0]] : spec.call === 'last' ? [all[all.length - 1]] : all;
      const verdicts: { record: ToolCallRecord; outcome: CheckOutcome }[] = [];
      for (const record of chosen) {
        const outcome = await judgeArgs(record, ctx);
        if (outcome.indeterminate || outcome.error) return { ...outcome, reason: `${describeRecord(record)}: ${outcome.reason}` };
        verdicts.push({ record, outcome });
      }
      const failed = verdicts.filter((v) => !v.outcome.pass);
      const passed = verdicts.filter((v) => v.outcome.pass);
      if (spec.call === 'any') {
        return passed.length > 0
          ? pass(`${describeRecord(passed[0].record)}: ${passed[0].outcome.reason}`)
          : fail(`none of ${all.length} call${all.length === 1 ? '' : 's'} passed; ${describeRecord(failed[0].record)}: ${failed[0].outcome.reason}`);
      }
      if (failed.length > 0) return fail(`${describeRecord(failed[0].record)}: ${failed[0].outcome.reason}`);
      return pass(`${chosen.length === 1 ? describeRecord(chosen[0]) : `all ${chosen.length} calls of ${shownName(spec.tool)}`}: ${passed[0].outcome.reason}`);
    };
  },
});

type ArgsTest = (record: ToolCallRecord, ctx: CheckContext) => CheckOutcome | Promise<CheckOutcome>;

function argumentTest(spec: { equals?: unknown; subset?: Record<string, unknown>; value?: string }, compiled: CompiledToolArgs, isolated: boolean): ArgsTest {
  if (compiled.type === 'tool-args-schema') {
    const validate = compiled.validate;
    return ({ call }) =>
      validate(call.args) ? pass('arguments match the JSON schema') : fail(`arguments do not match the JSON schema: ${formatErrors(validate.errors)}`);
  }
  if (compiled.type === 'tool-args-value') {
    const { body, isAsync } = compiled.source;
    const pool = userCodePool(isolated ? 'isolated' : 'trusted');
    const label = `\`${spec.value!.length > 60 ? `${spec.value!.slice(0, 60)}…` : spec.value}\``;
    return ({ call }, ctx) =>
      pool
        .request(
          { t: 'inline', body, isAsync, output: ctx.output, vars: ctx.vars, context: { ...plainContext(ctx), args: call.args } },
          { timeoutMs: VALUE_TIMEOUT_MS },
        )
        .then(
          (value) => interpret(value, 0.5, label),
          (err: unknown) => ({
            ...indeterminate(`${label} did not finish: ${err instanceof Error ? err.message : String(err)}`),
            error: 'check-error' as const,
          }),
        );
  }
  if (spec.subset !== undefined) {
    const subset = spec.subset;
    return ({ call }) =>
      argsContain(call.args, subset)
        ? pass(`arguments contain ${preview(JSON.stringify(subset))}`)
        : fail(`arguments do not contain ${preview(JSON.stringify(subset))}`);
  }
  const equals = spec.equals;
  return ({ call }) =>
    argsContain(call.args, equals) && argsContain(equals, call.args)
      ? pass(`arguments equal ${preview(JSON.stringify(equals))}`)
      : fail(`arguments differ from ${preview(JSON.stringify(equals))}`);
}

export const maxSteps = defineCheck({
  type: 'max-steps',
  schema: z.strictObject({
    type: z.literal('max-steps'),
    ...common,
    value: z.number().int().min(1, { error: 'must be a whole number >= 1' }),
  }),
  prepare: (spec) => (_view, ctx) => {
    const steps = ctx.transcript?.steps ?? 1;
    if (ctx.transcript?.stop === 'max-steps') return fail(`stopped at the step limit (${ctx.transcript.maxSteps ?? steps} steps) with tool calls pending`);
    return steps <= spec.value ? pass(`${steps} step${steps === 1 ? '' : 's'} <= ${spec.value}`) : fail(`${steps} steps > ${spec.value}`);
  },
});

/**
 * A user message counts as a yes when it matches this (word boundaries, any case). A heuristic: "no, don't
 * proceed" matches too, so suites whose users say no in those words set their own `confirm`.
 */
export const DEFAULT_CONFIRM = '\\b(yes|yeah|yep|confirm|confirmed|go ahead|proceed|please do|ok|okay|correct)\\b';

export const asksConfirmationBefore = defineCheck({
  type: 'asks-confirmation-before',
  schema: z.strictObject({
    type: z.literal('asks-confirmation-before'),
    ...common,
    tools: z.array(toolName).min(1, { error: 'must list at least one tool' }),
    /** A regex (case-insensitive) a user's message must match to count as a yes. */
    confirm: nonEmptyString.default(DEFAULT_CONFIRM),
  }),
  compile: (spec, where) => ({ type: 'confirm-regex' as const, regex: compileConfirm(spec.confirm, where) }),
  prepare: (spec, env) => {
    const confirm = env.compiled.regex;
    const names = spec.tools.map(shownName).join(', ');
    return (_view, ctx) => {
      const messages = ctx.transcript?.messages ?? [];
      const byCall = new Map(callsOf(ctx.transcript).map((r) => [r.call, r]));
      // Since the start or the last guarded call: has the agent spoken (asked), and has the user then said yes?
      let asked = false;
      let confirmed = false;
      let guarded = 0;
      for (const message of messages) {
        if (message.role === 'user') {
          if (asked && confirm.test(message.content)) confirmed = true;
        } else if (message.role === 'assistant') {
          for (const call of message.toolCalls ?? []) {
            if (!spec.tools.includes(call.name)) continue;
            guarded++;
            if (!confirmed) {
              const record = byCall.get(call);
              const what = record ? describeRecord(record) : describeCall(call.name, call.args);
              return fail(`${what} without a confirmation from the user${asked ? ' (the agent asked, no yes followed)' : ''}`);
            }
            confirmed = false;
            asked = false;
          }
          // Only a message with text can ask; a step that only calls a lookup tool does not.
          if (message.content.trim() !== '') asked = true;
        }
      }
      return pass(guarded === 0 ? `no call of ${names}` : `each of ${guarded} call${guarded === 1 ? '' : 's'} of ${names} followed a yes`);
    };
  },
});

function compileConfirm(pattern: string, where: CheckLocation): RegExp {
  try {
    return new RegExp(pattern, 'i');
  } catch (err) {
    throw new EvalspecError('CHECK_INVALID', `invalid \`asks-confirmation-before\` check: \`confirm\` is not a valid regex: ${(err as Error).message}`, {
      ...where,
      hint: "fix the pattern (YAML: single-quote it so backslashes stay literal, e.g. '\\byes\\b'); it is matched case-insensitively",
      cause: err,
    });
  }
}
