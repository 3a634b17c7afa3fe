// Parses YAML keeping positions, and turns zod issues into errors that name the file, the line and the fix.
import { LineCounter, parseDocument, isNode, isMap, isScalar, visit, type Document } from 'yaml';
import type { z } from 'zod';
import { EvalspecError, type ErrorCode } from '../errors.js';
import { suggest } from './suggest.js';

export interface LocatedYaml {
  data: unknown;
  /** Line (1-based) of the value at a path inside the document, or undefined when it is not there. */
  lineOf(path: readonly (string | number)[]): number | undefined;
}

/** The yaml library's maxAliasCount: how far aliases may expand before the file is refused as an alias bomb. */
const MAX_ALIAS_COUNT = 100;

export function parseYamlWithLines(text: string, file: string): LocatedYaml {
  const lineCounter = new LineCounter();
  const doc: Document.Parsed = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0];
    const line = lineCounter.linePos(first.pos[0]).line;
    throw new EvalspecError('SUITE_YAML', `invalid YAML: ${first.message.split('\n')[0]}`, {
      file,
      line,
      hint: 'fix the YAML syntax at that line (indentation, a missing colon, or an unquoted value with ": " in it)',
    });
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    // An alias bomb ("billion laughs": aliases of aliases, expanding exponentially) is refused by the yaml
    // library once the expansion passes maxAliasCount; point at the first alias.
    if (!/alias/i.test((error as Error).message)) throw error;
    let line: number | undefined;
    visit(doc, {
      Alias(_key, node) {
        if (node.range) line = lineCounter.linePos(node.range[0]).line;
        return visit.BREAK;
      },
    });
    throw new EvalspecError('SUITE_YAML', 'invalid YAML: its aliases (*name) expand to too many values (the limit guards against "billion laughs" files)', {
      file,
      line,
      hint: 'write the values out, or use fewer nested aliases; a suite does not need YAML anchors that expand exponentially',
      cause: error,
    });
  }
  return {
    data,
    lineOf(path) {
      // Walk up the path until a node with a position is found, so a missing key points at its parent.
      for (let depth = path.length; depth >= 0; depth--) {
        // A mapping key points at the key itself (a block value starts on a later line).
        const last = path[depth - 1];
        if (depth > 0 && typeof last === 'string') {
          const parent = depth === 1 ? doc.contents : doc.getIn(path.slice(0, depth - 1), true);
          const pair = isMap(parent) ? parent.items.find((p) => isScalar(p.key) && p.key.value === last) : undefined;
          if (pair && isNode(pair.key) && pair.key.range) return lineCounter.linePos(pair.key.range[0]).line;
        }
        const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
        if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
      }
      return undefined;
    },
  };
}

/** Words for one zod issue, including the list of valid keys when a key is unknown. */
export function describeIssue(issue: z.core.$ZodIssue, validKeys?: readonly string[]): { message: string; hint: string } {
  const at = issue.path.length ? issue.path.join('.') : '(top level)';
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.join(', ');
    const guesses = issue.keys.flatMap((k) => {
      const guess = validKeys ? suggest(k, validKeys) : undefined;
      return guess ? [{ k, guess }] : [];
    });
    const meant =
      guesses.length === 0
        ? ''
        : issue.keys.length === 1
          ? ` (did you mean ${guesses[0].guess}?)`
          : ` (did you mean ${guesses.map((g) => `${g.guess} for ${g.k}`).join(', ')}?)`;
    return {
      message: `unknown key${issue.keys.length > 1 ? 's' : ''} ${keys} at ${at}${meant}`,
      hint: validKeys ? `valid keys here: ${validKeys.join(', ')}` : 'remove the key or check its spelling',
    };
  }
  return { message: `${at}: ${issue.message}`, hint: hintFor(issue) };
}

function hintFor(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `give ${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected} here`;
    case 'too_small':
      return `the value must be at least ${String(issue.minimum)}`;
    case 'too_big':
      return `the value must be at most ${String(issue.maximum)}`;
    case 'invalid_value':
      return `use one of: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return 'see docs/suite-format.md for the format';
  }
}

/** At most this many problems are listed in one error (the first one's line is the error's location). */
const MAX_LISTED_ISSUES = 10;

/**
 * Throw every zod issue as one EvalspecError located in the YAML (or a JSONL line): the first issue is the
 * message and the location, the others follow on their own lines with their own line numbers, so one run
 * of `evalspec run` shows every problem of the file instead of one per attempt.
 */
export function throwSchemaIssue(
  error: { issues: readonly z.core.$ZodIssue[] },
  options: {
    code: ErrorCode;
    file: string;
    lineOf?: (path: readonly (string | number)[]) => number | undefined;
    line?: number;
    caseId?: string;
    validKeysAt?: (path: readonly PropertyKey[]) => readonly string[] | undefined;
  },
): never {
  const described = error.issues.map((issue) => {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    // An unknown key is reported at its own line, not at the line of the mapping that holds it.
    if (issue.code === 'unrecognized_keys' && issue.keys.length > 0) path.push(issue.keys[0]);
    return { ...describeIssue(issue, options.validKeysAt?.(issue.path)), line: options.line ?? options.lineOf?.(path) };
  });
  // Earliest line first: the error reads like the file, top to bottom.
  described.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity));
  const [first, ...rest] = described;
  const listed = rest.slice(0, MAX_LISTED_ISSUES - 1).map((d) => `\n  also${d.line ? ` line ${d.line}` : ''}: ${d.message} (fix: ${d.hint})`);
  const more = rest.length > MAX_LISTED_ISSUES - 1 ? [`\n  and ${rest.length - (MAX_LISTED_ISSUES - 1)} more problems`] : [];
  throw new EvalspecError(options.code, `${first.message}${listed.join('')}${more.join('')}`, {
    file: options.file,
    line: first.line,
    caseId: options.caseId,
    hint: first.hint,
  });
}
