// javascript checks: an inline expression (syntax-checked by compileCheck) or a function exported by a
// module next to the suite. The code runs in a user-code worker (src/user-code), never in this thread: a
// check that throws, rejects or returns something unusable makes an indeterminate failed check; one that
// does not finish by `timeout_ms` (a promise that never settles, `while (true) {}`) is a `check-error`
// on its result, and the worker it hung is terminated. Isolated checks (`--isolate-checks`, the default
// of `evalspec ci`) see no environment variables and cannot import modules; module checks are refused.
import { access } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { EvalspecError } from '../../errors.js';
import { describeModule, exportType, UserCodeError, userCodePool, type ModuleExports, type UserCodeMessage } from '../../user-code/index.js';
import { clearModuleInfo } from '../../user-code/index.js';
import type { CheckContext, CheckOutcome } from '../check-types.js';
import { toolCallsOf } from '../transcript.js';
import { fail, indeterminate, pass } from '../evaluator.js';
import { commonCheckFields as common, defineCheck, NOTHING_COMPILED, nonEmptyString, type CheckLocation, type NothingCompiled } from './definition.js';

/** Forgets imported check modules (tests; a watch mode). Workers keep Node's own ESM cache. */
export function clearModuleCache(): void {
  clearModuleInfo();
}

/** A tool call as user code sees it (`toolCalls`): plain JSON, in the order made. */
export interface PlainToolCall {
  name: string;
  args: unknown;
  step: number;
  result?: { content: string; error?: { class: string; message: string } };
}

/** The transcript's tool calls as plain data ([] without a transcript). */
export function plainToolCalls(ctx: CheckContext): PlainToolCall[] {
  return toolCallsOf(ctx.transcript).map(({ call, step, result }) => ({
    name: call.name,
    args: call.args,
    step,
    ...(result ? { result: { content: result.content, ...(result.error ? { error: result.error } : {}) } } : {}),
  }));
}

/**
 * What a check's code sees as `context`: the call's plain data (copied into the worker). Agents (issue #16)
 * add `transcript`, `toolCalls` and `metadata` (a replayed log's fields, e.g. a benchmark's reward); inline
 * code also has those three as names of their own.
 */
export function plainContext(ctx: CheckContext): Record<string, unknown> {
  return {
    transcript: ctx.transcript,
    toolCalls: plainToolCalls(ctx),
    metadata: ctx.transcript?.metadata,
    output: ctx.output,
    vars: ctx.vars,
    caseId: ctx.caseId,
    latencyMs: ctx.latencyMs,
    costUsd: ctx.costUsd,
    baseDir: ctx.baseDir,
    messages: ctx.messages,
    opponent: ctx.opponent,
  };
}

const JS_MODULE_EXTENSIONS = ['.js', '.mjs', '.cjs'];

/** The signature of a compiled inline `javascript` check. */
export type InlineCheckFunction = (output: string, vars: Record<string, unknown>, context: unknown, ...agent: unknown[]) => unknown;

/** The names inline code has in scope, in parameter order (the user-code worker builds the same function). */
export const INLINE_PARAMS = ['output', 'vars', 'context', 'transcript', 'toolCalls', 'metadata'] as const;

/** The function body an inline check compiled to, and whether it is async: user-code workers compile it again. */
export interface InlineCheckSource {
  body: string;
  isAsync: boolean;
}

type CompiledInline = { type: 'javascript-inline'; fn: InlineCheckFunction; source: InlineCheckSource };

export const javascript = defineCheck({
  type: 'javascript',
  schema: z
    .strictObject({
      type: z.literal('javascript'),
      ...common,
      value: nonEmptyString.optional(),
      file: nonEmptyString.optional(),
      function: nonEmptyString.optional(),
      threshold: z.number().min(0).max(1, { error: 'must be a number in [0, 1]' }).default(0.5),
      timeout_ms: z.number().int().positive().default(30_000),
    })
    .superRefine((spec, ctx) => {
      if ((spec.value === undefined) === (spec.file === undefined)) {
        ctx.addIssue({
          code: 'custom',
          path: [],
          message: 'set exactly one of `value` (an inline expression such as `output.length < 200`) or `file` (a .js/.mjs module path)',
        });
      }
      if (spec.function !== undefined && spec.file === undefined) {
        ctx.addIssue({ code: 'custom', path: ['function'], message: 'only applies together with `file`' });
      }
      if (spec.file !== undefined && !JS_MODULE_EXTENSIONS.some((ext) => spec.file!.endsWith(ext))) {
        ctx.addIssue({
          code: 'custom',
          path: ['file'],
          message: `must be a JavaScript module ending in ${JS_MODULE_EXTENSIONS.join(', ')} (compile TypeScript first)`,
        });
      }
    }),
  templated: (spec) => spec.value,
  compile: (spec, where): CompiledInline | NothingCompiled =>
    spec.value === undefined ? NOTHING_COMPILED : { type: 'javascript-inline', ...compileExpression(spec.value, where, 'javascript') },
  prepare: async (spec, env) => {
    const { threshold, timeout_ms: timeoutMs } = spec;
    const isolated = env.isolated ?? false;
    let message: (ctx: CheckContext) => UserCodeMessage;
    let label: string;
    if (spec.value !== undefined) {
      if (env.compiled.type !== 'javascript-inline') throw new Error('javascript check prepared without a compiled expression');
      const { body, isAsync } = env.compiled.source;
      message = (ctx) => ({ t: 'inline', body, isAsync, output: ctx.output, vars: ctx.vars, context: plainContext(ctx) });
      label = 'javascript check';
    } else {
      const exportName = spec.function ?? 'default';
      if (isolated) throw isolatedModuleError(spec.file!, env.where);
      const url = await loadCheckModule(spec.file!, exportName, env.baseDir, timeoutMs, env.where);
      message = (ctx) => ({ t: 'module', url, exportName, output: ctx.output, context: plainContext(ctx) });
      label = `${spec.file}${exportName === 'default' ? '' : `#${exportName}`}`;
    }
    const pool = userCodePool(isolated ? 'isolated' : 'trusted');

    return (_view, ctx) =>
      pool.request(message(ctx), { timeoutMs }).then(
        (value) => interpret(value, threshold, label),
        (err: unknown) => failedRun(label, err),
      );
  },
});

/** CHECK_ISOLATED: module checks cannot be isolated (a module can import anything), so isolated runs refuse them. */
export function isolatedModuleError(file: string, where: CheckLocation): EvalspecError {
  return new EvalspecError('CHECK_ISOLATED', `javascript check module ${file} cannot run isolated: a module can import node:fs and read the environment`, {
    ...where,
    hint: 'isolated checks (the default of `evalspec ci`) are inline `value:` code only: inline the check, or pass --trust-checks when the suite comes from a trusted branch',
  });
}

/** A throw or rejection is the check's verdict on nothing: indeterminate. A hang or a crash is a check-error. */
function failedRun(label: string, err: unknown): CheckOutcome {
  if (err instanceof UserCodeError && err.kind === 'threw') return indeterminate(`${label} threw ${err.message}`);
  const why = err instanceof UserCodeError ? err.message : String(err);
  return { ...indeterminate(`${label} did not finish: ${why}`), error: 'check-error' };
}

const EXPECTED = 'expected a boolean, a number in [0, 1], or { pass, score?, reason? }';

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return 'a function';
  try {
    const text = JSON.stringify(value);
    return text.length > 60 ? `${text.slice(0, 60)}…` : text;
  } catch {
    return typeof value;
  }
}

const isUnit = (v: unknown): v is number => typeof v === 'number' && v >= 0 && v <= 1; // NaN fails both

/** Maps what user code returned to an outcome. */
export function interpret(value: unknown, threshold: number, label = 'javascript check'): CheckOutcome {
  if (typeof value === 'boolean') return value ? pass(`${label} returned true`) : fail(`${label} returned false`);
  if (typeof value === 'number') {
    if (!isUnit(value)) return indeterminate(`${label} returned ${value}; a numeric score must be in [0, 1]`);
    return value >= threshold
      ? pass(`${label} score ${value} >= threshold ${threshold}`, value)
      : fail(`${label} score ${value} < threshold ${threshold}`, value);
  }
  if (typeof value === 'object' && value !== null && typeof (value as { pass?: unknown }).pass === 'boolean') {
    const r = value as { pass: boolean; score?: unknown; reason?: unknown };
    let score = r.pass ? 1 : 0;
    if (r.score !== undefined) {
      if (!isUnit(r.score)) return indeterminate(`${label} returned score ${describe(r.score)}; it must be a number in [0, 1]`);
      score = r.score;
    }
    const reason = typeof r.reason === 'string' && r.reason.length > 0 ? r.reason : `${label} returned pass: ${r.pass}`;
    return { pass: r.pass, score, reason };
  }
  return indeterminate(`${label} returned ${describe(value)}; ${EXPECTED}`);
}

/** Imports a check module in a worker (once per absolute path) and checks that the export is a function; returns its URL. */
export async function loadCheckModule(file: string, exportName: string, baseDir: string, timeoutMs: number, where: CheckLocation = {}): Promise<string> {
  const path = isAbsolute(file) ? file : resolve(baseDir, file);
  const url = pathToFileURL(path).href;
  const mod = await importModule(path, url, file, baseDir, timeoutMs, where);
  const type = exportType(mod, exportName);
  if (type !== 'function') {
    const exported = mod.own.filter(([, t]) => t === 'function').map(([k]) => k);
    throw new EvalspecError(
      'MODULE_LOAD',
      `${path} has no exported function "${exportName}"${type === 'undefined' ? '' : ` (it is ${type})`}; exported functions: ${
        exported.length > 0 ? exported.join(', ') : 'none'
      }`,
      {
        ...where,
        file: where.file ?? path,
        hint:
          exportName === 'default'
            ? `add \`export default function (output, context) { ... }\`, or name the export with \`function: <name>\``
            : `export a function named ${exportName}, or set \`function:\` to one of the exported names`,
      },
    );
  }
  return url;
}

async function importModule(path: string, url: string, asWritten: string, baseDir: string, timeoutMs: number, where: CheckLocation): Promise<ModuleExports> {
  try {
    await access(path);
  } catch {
    throw new EvalspecError('MODULE_LOAD', `javascript check module not found: ${path}`, {
      ...where,
      file: where.file ?? path,
      hint: `\`file: ${asWritten}\` resolves against the suite directory ${baseDir}; fix the path`,
    });
  }
  try {
    return await describeModule(url, timeoutMs);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const esmInCjs = path.endsWith('.js') && /export|import statement|Cannot use import/.test(message);
    const hung = err instanceof UserCodeError && err.kind !== 'threw';
    throw new EvalspecError('MODULE_LOAD', `could not load javascript check module ${path}: ${hung ? `its top level did not finish: ${message}` : message}`, {
      ...where,
      file: where.file ?? path,
      hint: esmInCjs
        ? 'this .js file is loaded as CommonJS (no "type": "module" in the nearest package.json): rename it to .mjs or use module.exports'
        : 'fix the error in the module (run `node <file>` to see it), then run again',
      cause: err,
    });
  }
}

const expressionCache = new Map<string, { fn: InlineCheckFunction; source: InlineCheckSource }>();

/** Names a check's inline code may bind before the user's code runs (`tool-args`'s `args`), as `const` lines. */
export interface InlinePrelude {
  /** The check type, for the error message. */
  check: string;
  /** e.g. `const args = context.args;\n` */
  code: string;
  hint: string;
}

const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor as FunctionConstructor;

/**
 * Compiles an inline javascript check. Tried in order: an expression (`output.length < 200`), a function
 * body with `return`; async variants when the code uses `await`. `output`, `vars` and `context` are in scope.
 */
export function compileExpression(
  code: string,
  where: CheckLocation,
  prelude: InlinePrelude | 'javascript',
): { fn: InlineCheckFunction; source: InlineCheckSource } {
  const head = prelude === 'javascript' ? '' : prelude.code;
  const cacheKey = `${head}\u0000${code}`;
  const cached = expressionCache.get(cacheKey);
  if (cached !== undefined) return cached;
  const expression = code.trim().replace(/;+\s*$/, '');
  const sync: [FunctionConstructor, string][] = [
    [Function, `"use strict";\n${head}return (\n${expression}\n);`],
    [Function, `"use strict";\n${head}${code}`],
  ];
  const async: [FunctionConstructor, string][] = [
    [AsyncFunction, `"use strict";\n${head}return (\n${expression}\n);`],
    [AsyncFunction, `"use strict";\n${head}${code}`],
  ];
  const attempts = /\bawait\b/.test(code) ? [...async, ...sync] : [...sync, ...async];
  let firstError: unknown;
  let compiled: { fn: InlineCheckFunction; source: InlineCheckSource } | undefined;
  for (const [Ctor, body] of attempts) {
    try {
      // Compiled here only to reject bad syntax when the suite loads; the code runs in a user-code worker.
      compiled = { fn: new Ctor(...INLINE_PARAMS, body) as InlineCheckFunction, source: { body, isAsync: Ctor === AsyncFunction } };
      break;
    } catch (err) {
      firstError ??= err;
    }
  }
  if (compiled === undefined) {
    const shown = code.length > 60 ? `${code.slice(0, 60)}…` : code;
    const check = prelude === 'javascript' ? 'javascript' : prelude.check;
    throw new EvalspecError('CHECK_INVALID', `invalid \`${check}\` check \`${shown}\`: ${String(firstError)}`, {
      ...where,
      hint: prelude === 'javascript' ? 'write an expression such as `output.length < 200`, or a function body that uses `return`' : prelude.hint,
      cause: firstError,
    });
  }
  expressionCache.set(cacheKey, compiled);
  return compiled;
}
