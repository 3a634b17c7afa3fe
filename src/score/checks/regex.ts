// The regex check: the pattern compiles when the suite loads (or, when it holds {{var}} placeholders, once
// the plan rendered it); the evaluator bounds backtracking (below).
import { z } from 'zod';
import { EvalspecError } from '../../errors.js';
import { backtrackingIsBounded, userCodePool } from '../../user-code/index.js';
import { fail, indeterminate, pass } from '../evaluator.js';
import { commonCheckFields as common, defineCheck, nonEmptyString, type CheckLocation } from './definition.js';

const regexCache = new Map<string, RegExp>();
/** `(?i)` and friends: habits from Python and PCRE that JavaScript (Node 20) rejects as an invalid group. */
const inlineFlags = /^\(\?([a-z]+)\)/;

function compileRegex(pattern: string, flags: string, where: CheckLocation): RegExp {
  // `g` and `y` make RegExp#test stateful (lastIndex); a check asks only "does it match", so drop them.
  const effective = flags.replace(/[gy]/g, '');
  const key = `${effective}/${pattern}`;
  let regex = regexCache.get(key);
  if (regex === undefined) {
    try {
      regex = new RegExp(pattern, effective);
    } catch (err) {
      throw new EvalspecError('CHECK_INVALID', `invalid \`regex\` check: ${(err as Error).message}`, {
        ...where,
        hint: inlineFlags.test(pattern)
          ? `JavaScript regexes have no inline flags such as ${inlineFlags.exec(pattern)![0]} (Python, PCRE): remove it and add \`flags: ${inlineFlags.exec(pattern)![1]}\` to the check`
          : "fix the pattern (YAML: single-quote it so backslashes stay literal, e.g. '\\d+')",
        cause: err,
      });
    }
    regexCache.set(key, regex);
  }
  return regex;
}

/** Deadline of a regex that needs backtracking, run in a worker: far above any sane match on a model's output. */
export const REGEX_TIMEOUT_MS = 5_000;

// A pattern V8's linear-time engine accepts cannot backtrack catastrophically (V8 falls back to that engine
// after 50,000 backtracks, see user-code/index.ts) and runs here. The others
// (back-references, lookaround, the i/u flags) could spin for hours on a long output (`(a|aa)+$`): they run in
// a user-code worker with a deadline, and one that misses it is a check-error on the result.
export const regex = defineCheck({
  type: 'regex',
  schema: z.strictObject({
    type: z.literal('regex'),
    ...common,
    value: nonEmptyString,
    flags: z
      .string()
      .regex(/^[dgimsuvy]*$/, { error: 'may only contain the regex flags d, g, i, m, s, u, v, y' })
      .optional(),
  }),
  templated: (spec) => spec.value,
  compile: (spec, where) => ({ type: 'regex' as const, regex: compileRegex(spec.value, spec.flags ?? '', where) }),
  prepare: (spec, env) => {
    const re = env.compiled.regex;
    const shown = `/${spec.value}/${re.flags}`;
    const ok = pass(`output matches ${shown}`);
    const no = fail(`output does not match ${shown}`);
    if (backtrackingIsBounded(re.source, re.flags)) return (view) => (re.test(view.text) ? ok : no);
    const pool = userCodePool('trusted');
    return (view) =>
      pool.request({ t: 'regex', source: re.source, flags: re.flags, text: view.text }, { timeoutMs: REGEX_TIMEOUT_MS }).then(
        (matched) => (matched === true ? ok : no),
        (err: unknown) => ({ ...indeterminate(`${shown} did not finish: ${err instanceof Error ? err.message : String(err)}`), error: 'check-error' as const }),
      );
  },
});
