// The GSM8K grader RouteLLM used for gsm8k_responses.csv (routellm/evals/gsm8k/generate_responses.py,
// get_answer_value), in JavaScript: drop commas, take the last run of digits in the text; a run with a
// leading zero (e.g. "08") is invalid, as Python's ast.literal_eval makes it. The response is correct when
// that number equals the reference answer (the same rule applied to GSM8K's answer).
// evalspec calls the default export as fn(output, context) for `type: javascript, file: grade.mjs`.

/** The number RouteLLM's grader reads from a text, or null (its INVALID). */
export function answerValue(text) {
  const runs = String(text).replaceAll(',', '').match(/\d+/g);
  if (!runs) return null;
  const last = runs[runs.length - 1];
  if (/^0\d/.test(last) && !/^0+$/.test(last)) return null;
  return Number(last);
}

export default function correct(output, context) {
  const expected = context.vars.answer;
  const got = answerValue(output);
  if (expected === null || expected === undefined) {
    return { pass: false, reason: `read ${got ?? 'no number'}; no reference answer shipped for this case (see NOTICE.md: neither model was correct)` };
  }
  return got === expected ? { pass: true, reason: `answer ${got}` } : { pass: false, reason: `read ${got ?? 'no number'}, expected ${expected}` };
}
