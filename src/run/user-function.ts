// `function:` models and judges: the user's own module, checked and called in a trusted user-code worker
// (src/user-code), never in the main thread, so a function that never returns, ignores its signal or loops
// forever (`while (true) {}`) cannot hold the run: its call settles at the deadline and the worker is stopped.
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { EvalspecError } from '../errors.js';
import type { ModelRef, Suite } from '../suite/index.js';
import { describeModule, exportType, UserCodeError, userCodePool, type ModuleExports } from '../user-code/index.js';
import { CallFailure } from './errors.js';

function splitModulePath(suite: Suite, modelId: string): { file: string; exportName: string } {
  const [path, exportName = 'default'] = modelId.split('#');
  return { file: resolve(suite.dir, path), exportName };
}

/** A `function:` module's export (a model or a judge), checked and called in a trusted user-code worker. */
export interface UserFunction {
  file: string;
  /**
   * Calls it with `input` plus a `signal` it may watch; settles by `signal` (aborted at the caller's timeout or
   * on cancel: rejects with the signal's reason) or by a backstop deadline, whatever the function does. Other
   * failures reject with a CallFailure: `timeout`, or `function-error` (it threw, or its worker crashed).
   */
  call(input: Record<string, unknown>, signal: AbortSignal, timeoutMs: number): Promise<unknown>;
}

/** What differs between a `function:` model and a `function:` judge in the messages about them. */
export interface UserFunctionRole {
  /** "provider" or "judge". */
  role: string;
  /** How the suite names it in a hint: `model "function:…"`. */
  entry: string;
  /** The shape the export must have. */
  signature: string;
}

export async function loadUserFunction(suite: Suite, model: ModelRef, role: UserFunctionRole): Promise<UserFunction> {
  const { file, exportName } = splitModulePath(suite, model.modelId);
  if (!existsSync(file)) {
    throw new EvalspecError('MODULE_LOAD', `function ${role.role} module not found: ${file}`, {
      file: suite.file,
      line: model.line,
      hint: `${role.entry} "${model.ref}": the path is relative to the suite file; add #name to pick a named export`,
    });
  }
  const url = pathToFileURL(file).href;
  let mod: ModuleExports;
  try {
    mod = await describeModule(url, suite.timeoutMs);
  } catch (error) {
    const hung = error instanceof UserCodeError && error.kind !== 'threw';
    throw new EvalspecError(
      'MODULE_LOAD',
      `cannot load ${file}: ${hung ? `its top level did not finish: ${(error as Error).message}` : ((error as UserCodeError).thrownMessage ?? (error as Error).message)}`,
      {
        file,
        hint: 'the module must be JavaScript (.mjs/.js) that Node can import; compile TypeScript first or run node with a TS loader',
        cause: error,
      },
    );
  }
  if (exportType(mod, exportName) !== 'function') {
    throw new EvalspecError('MODULE_LOAD', `${file} has no function export "${exportName}"`, {
      file,
      hint: `export a function ${role.signature}; exports found: ${mod.own.map(([k]) => k).join(', ') || 'none'}`,
    });
  }
  const pool = userCodePool('trusted');
  return {
    file,
    async call(input, signal, timeoutMs) {
      try {
        // The deadline here is a backstop only: the caller aborts `signal` at its own timeout first.
        return await pool.request({ t: 'target', url, exportName, input }, { timeoutMs: timeoutMs + 5_000, signal });
      } catch (error) {
        if (!(error instanceof UserCodeError)) throw error;
        if (error.kind === 'aborted') throw signal.reason ?? error; // the caller knows whether it timed out or was cancelled
        if (error.kind === 'timeout') throw new CallFailure('timeout', `${model.ref} did not return: ${error.message}`, true);
        // Its worker died under it (often another call in it hung): not this call's own throw, so the retry policy applies.
        if (error.kind === 'crashed') throw new CallFailure('function-error', `${model.ref} crashed: ${error.message}`, true);
        throw new CallFailure('function-error', `${model.ref} threw: ${error.thrownMessage ?? error.message}`);
      }
    },
  };
}
