// Text checks: equals, contains, contains-any, contains-all, starts-with, levenshtein, similarity, length.
// They compare the NFC-normalised output; expected values are normalised once at prepare time.
import { z } from 'zod';
import { fail, pass } from '../evaluator.js';
import { jsonEqual, nfc, preview } from '../output-view.js';
import { editDistance, similarity as similarityOf } from '../text-distance.js';
import { commonCheckFields as common, defineCheck, nonEmptyString } from './definition.js';

const fold = (s: string, ignoreCase: boolean) => (ignoreCase ? nfc(s).toLowerCase() : nfc(s));

const stringList = z.array(nonEmptyString).min(1, { error: 'must list at least one string' });

export const equals = defineCheck({
  type: 'equals',
  schema: z
    .strictObject({
      type: z.literal('equals'),
      ...common,
      value: z.json(),
      ignore_case: z.boolean().optional(),
      trim: z.boolean().optional(),
    })
    .superRefine((spec, ctx) => {
      if (typeof spec.value !== 'string') {
        for (const key of ['ignore_case', 'trim'] as const) {
          if (spec[key] !== undefined) {
            ctx.addIssue({
              code: 'custom',
              path: [key],
              message: `only applies when value is a string (this value is compared as parsed JSON)`,
            });
          }
        }
      }
    }),
  prepare: (spec) => {
    const expected = spec.value;
    if (typeof expected !== 'string') {
      // Numbers, booleans, null, objects and arrays: compare against the output parsed as JSON.
      const ok = pass(`output equals ${preview(JSON.stringify(expected))} as JSON`);
      return (view) => {
        const parsed = view.json;
        if (!parsed.ok) return fail(`output is not JSON (${parsed.error}); expected ${preview(JSON.stringify(expected))}`);
        return jsonEqual(parsed.value, expected)
          ? ok
          : fail(`JSON differs: expected ${preview(JSON.stringify(expected))}, got ${preview(JSON.stringify(parsed.value))}`);
      };
    }
    const trim = spec.trim ?? true;
    const ignoreCase = spec.ignore_case ?? false;
    const want = trim ? fold(expected, ignoreCase).trim() : fold(expected, ignoreCase);
    const ok = pass(`output equals ${preview(expected)}`);
    return (view) => {
      const got = trim ? (ignoreCase ? view.trimmedLower : view.trimmed) : ignoreCase ? view.lower : view.text;
      return got === want ? ok : fail(`expected ${preview(expected)}, got ${preview(view.text)}`);
    };
  },
});

export const contains = defineCheck({
  type: 'contains',
  schema: z.strictObject({ type: z.literal('contains'), ...common, value: nonEmptyString, ignore_case: z.boolean().optional() }),
  prepare: (spec) => {
    const ignoreCase = spec.ignore_case ?? false;
    const needle = fold(spec.value, ignoreCase);
    const ok = pass(`output contains ${preview(spec.value)}`);
    const no = fail(`output does not contain ${preview(spec.value)}`);
    return (view) => ((ignoreCase ? view.lower : view.text).includes(needle) ? ok : no);
  },
});

export const containsAny = defineCheck({
  type: 'contains-any',
  schema: z.strictObject({ type: z.literal('contains-any'), ...common, value: stringList, ignore_case: z.boolean().optional() }),
  prepare: (spec) => {
    const ignoreCase = spec.ignore_case ?? false;
    const needles = spec.value.map((v) => fold(v, ignoreCase));
    const found = spec.value.map((v) => pass(`output contains ${preview(v)}`));
    const none = fail(`output contains none of ${spec.value.map((v) => preview(v, 30)).join(', ')}`);
    return (view) => {
      const text = ignoreCase ? view.lower : view.text;
      for (let i = 0; i < needles.length; i++) if (text.includes(needles[i])) return found[i];
      return none;
    };
  },
});

export const containsAll = defineCheck({
  type: 'contains-all',
  schema: z.strictObject({ type: z.literal('contains-all'), ...common, value: stringList, ignore_case: z.boolean().optional() }),
  prepare: (spec) => {
    const ignoreCase = spec.ignore_case ?? false;
    const needles = spec.value.map((v) => fold(v, ignoreCase));
    const all = pass(`output contains all ${needles.length} strings`);
    return (view) => {
      const text = ignoreCase ? view.lower : view.text;
      let missing: string[] | undefined;
      for (let i = 0; i < needles.length; i++) {
        if (!text.includes(needles[i])) (missing ??= []).push(spec.value[i]);
      }
      if (missing === undefined) return all;
      const score = (needles.length - missing.length) / needles.length;
      return fail(`missing ${missing.length} of ${needles.length}: ${missing.map((v) => preview(v, 30)).join(', ')}`, score);
    };
  },
});

export const startsWith = defineCheck({
  type: 'starts-with',
  schema: z.strictObject({ type: z.literal('starts-with'), ...common, value: nonEmptyString, ignore_case: z.boolean().optional() }),
  prepare: (spec) => {
    const ignoreCase = spec.ignore_case ?? false;
    const prefix = fold(spec.value, ignoreCase);
    const ok = pass(`output starts with ${preview(spec.value)}`);
    return (view) =>
      (ignoreCase ? view.trimmedStartLower : view.trimmedStart).startsWith(prefix)
        ? ok
        : fail(`expected output to start with ${preview(spec.value)}, got ${preview(view.trimmedStart, 40)}`);
  },
});

export const levenshtein = defineCheck({
  type: 'levenshtein',
  schema: z.strictObject({
    type: z.literal('levenshtein'),
    ...common,
    value: z.string(),
    /** Maximum edit distance that still passes. */
    threshold: z.number().int().min(0, { error: 'must be an integer >= 0 (max edit distance)' }).default(5),
    ignore_case: z.boolean().optional(),
  }),
  prepare: (spec) => {
    const ignoreCase = spec.ignore_case ?? false;
    const target = fold(spec.value, ignoreCase).trim();
    const max = spec.threshold;
    return (view) => {
      const d = editDistance(ignoreCase ? view.trimmedLower : view.trimmed, target);
      const score = similarityOf(d);
      return d.distance <= max ? pass(`edit distance ${d.distance} <= ${max}`, score) : fail(`edit distance ${d.distance} > ${max}`, score);
    };
  },
});

export const similarity = defineCheck({
  type: 'similarity',
  schema: z.strictObject({
    type: z.literal('similarity'),
    ...common,
    value: z.string(),
    threshold: z.number().min(0).max(1, { error: 'must be a number in [0, 1]' }).default(0.8),
    ignore_case: z.boolean().optional(),
  }),
  prepare: (spec) => {
    const ignoreCase = spec.ignore_case ?? false;
    const target = fold(spec.value, ignoreCase).trim();
    const threshold = spec.threshold;
    return (view) => {
      const score = similarityOf(editDistance(ignoreCase ? view.trimmedLower : view.trimmed, target));
      const shown = score.toFixed(3);
      return score >= threshold ? pass(`similarity ${shown} >= ${threshold}`, score) : fail(`similarity ${shown} < ${threshold}`, score);
    };
  },
});

/** Code points (an emoji is one, a combining accent is its own). */
function countChars(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/** Runs of non-whitespace (the same whitespace set as the regex \s). */
function countWords(s: string): number {
  let n = 0;
  let inWord = false;
  for (let i = 0; i < s.length; i++) {
    const space = isSpace(s.charCodeAt(i));
    if (!space && !inWord) n++;
    inWord = !space;
  }
  return n;
}

function isSpace(c: number): boolean {
  return (
    (c >= 9 && c <= 13) ||
    c === 32 ||
    (c > 127 &&
      (c === 0xa0 ||
        c === 0x1680 ||
        (c >= 0x2000 && c <= 0x200a) ||
        c === 0x2028 ||
        c === 0x2029 ||
        c === 0x202f ||
        c === 0x205f ||
        c === 0x3000 ||
        c === 0xfeff))
  );
}

export const length = defineCheck({
  type: 'length',
  schema: z
    .strictObject({
      type: z.literal('length'),
      ...common,
      min: z.number().int().min(0).optional(),
      max: z.number().int().min(0).optional(),
      unit: z.enum(['chars', 'words']).default('chars'),
    })
    .superRefine((spec, ctx) => {
      if (spec.min === undefined && spec.max === undefined) {
        ctx.addIssue({ code: 'custom', path: [], message: 'set at least one of `min` or `max`' });
      } else if (spec.min !== undefined && spec.max !== undefined && spec.min > spec.max) {
        ctx.addIssue({ code: 'custom', path: ['min'], message: `min (${spec.min}) is greater than max (${spec.max})` });
      }
    }),
  prepare: (spec) => {
    const { min, max, unit } = spec;
    const count = unit === 'words' ? countWords : countChars;
    const bounds = min !== undefined && max !== undefined ? `in [${min}, ${max}]` : min !== undefined ? `>= ${min}` : `<= ${max}`;
    return (view) => {
      const n = count(view.trimmed);
      const ok = (min === undefined || n >= min) && (max === undefined || n <= max);
      return ok ? pass(`${n} ${unit} ${bounds}`) : fail(`${n} ${unit}, expected ${bounds}`);
    };
  },
});
