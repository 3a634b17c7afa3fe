// javascript checks: an inline expression (compiled once by compileCheck) or a function exported by a
// module next to the suite (imported once per absolute path). User code that throws, rejects, times out
// or returns something unusable makes an indeterminate failed check, never a crash.
import { access } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EvalspecError } from '../../errors.js';
import type { CheckLocation } from '../../suite/check-specs.js';
import type { CheckContext, CheckOutcome } from '../check-types.js';
import type { CheckEvaluator } from '../evaluator.js';
import { fail, indeterminate, pass } from '../evaluator.js';

type UserFunction = (...args: unknown[]) => unknown;

const moduleCache = new Map<string, Promise<Record<string, unknown>>>();

/** Forgets imported check modules (tests; a watch mode). Node's own ESM cache still holds them. */
export function clearModuleCache(): void {
  moduleCache.clear();
}

export const javascript: CheckEvaluator<'javascript'> = async (spec, env) => {
  let call: (ctx: CheckContext) => unknown;
  let label: string;
  if (spec.value !== undefined) {
    if (env.compiled.type !== 'javascript-inline') throw new Error('javascript check prepared without a compiled expression');
    const fn = env.compiled.fn;
    call = (ctx) => fn(ctx.output, ctx.vars, ctx);
    label = 'javascript check';
  } else {
    const exportName = spec.function ?? 'default';
    const fn = await loadCheckFunction(spec.file!, exportName, env.baseDir, env.where);
    call = (ctx) => fn(ctx.output, ctx);
    label = `${spec.file}${exportName === 'default' ? '' : `#${exportName}`}`;
  }
  const { threshold, timeout_ms: timeoutMs } = spec;

  return (_view, ctx) => {
    let result: unknown;
    try {
      result = call(ctx);
    } catch (err) {
      return threw(label, err);
    }
    if (!isThenable(result)) return interpret(result, threshold, label);
    return withTimeout(result, timeoutMs).then(
      (value) => (value === TIMED_OUT ? indeterminate(`${label} timed out after ${timeoutMs} ms`) : interpret(value, threshold, label)),
      (err: unknown) => threw(label, err),
    );
  };
};

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

const TIMED_OUT = Symbol('timed out');

function withTimeout(promise: PromiseLike<unknown>, ms: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolveTimeout) => {
    timer = setTimeout(() => resolveTimeout(TIMED_OUT), ms);
    timer.unref?.();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function threw(label: string, err: unknown): CheckOutcome {
  const what = err instanceof Error ? `${err.name}: ${err.message}` : `${typeof err === 'string' ? err : JSON.stringify(err) ?? String(err)}`;
  return indeterminate(`${label} threw ${what}`);
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

/** Imports a check module (once per absolute path) and returns the named export as a function. */
export async function loadCheckFunction(
  file: string,
  exportName: string,
  baseDir: string,
  where: CheckLocation = {},
): Promise<UserFunction> {
  const path = isAbsolute(file) ? file : resolve(baseDir, file);
  let loading = moduleCache.get(path);
  if (loading === undefined) {
    loading = importModule(path, file, baseDir, where);
    moduleCache.set(path, loading);
    loading.catch(() => moduleCache.delete(path));
  }
  const mod = await loading;
  let fn = mod[exportName];
  // A CommonJS module's `module.exports = { fn }` arrives as the default export.
  if (fn === undefined && exportName !== 'default' && typeof mod.default === 'object' && mod.default !== null) {
    fn = (mod.default as Record<string, unknown>)[exportName];
  }
  if (typeof fn !== 'function') {
    const exported = Object.keys(mod).filter((k) => typeof mod[k] === 'function');
    throw new EvalspecError(
      'MODULE_LOAD',
      `${path} has no exported function "${exportName}"${fn === undefined ? '' : ` (it is ${typeof fn})`}; exported functions: ${
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
  return fn as UserFunction;
}

async function importModule(
  path: string,
  asWritten: string,
  baseDir: string,
  where: CheckLocation,
): Promise<Record<string, unknown>> {
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
    return (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (err) {
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    const esmInCjs = path.endsWith('.js') && /export|import statement|Cannot use import/.test(message);
    throw new EvalspecError('MODULE_LOAD', `could not load javascript check module ${path}: ${message}`, {
      ...where,
      file: where.file ?? path,
      hint: esmInCjs
        ? 'this .js file is loaded as CommonJS (no "type": "module" in the nearest package.json): rename it to .mjs or use module.exports'
        : 'fix the error in the module (run `node <file>` to see it), then run again',
      cause: err,
    });
  }
}
