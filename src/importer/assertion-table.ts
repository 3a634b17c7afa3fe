// One line of mapping per promptfoo assertion type: the evalspec check it becomes, or why there is none. The
// table is typed `satisfies Record<PromptfooType, Mapper>` so a type cannot be listed twice or forgotten from
// the docs' support table (docs/promptfoo.md is written from the same list).
import type { CheckType } from '../score/index.js';

/** A promptfoo assertion as written (the keys the importer reads; others are reported). */
export interface PromptfooAssertion {
  type: string;
  value?: unknown;
  threshold?: number;
  weight?: number;
  metric?: string;
  provider?: unknown;
  transform?: unknown;
  [key: string]: unknown;
}

export interface MapContext {
  /** The judge model for model-graded assertions (the grader of the test or config, else promptfoo's default). */
  grader(assertion: PromptfooAssertion, where?: { file: string; line?: number; key: string }): string;
  /** Where a `file://` check module is copied (its path relative to the imported suite), or an unsupported reason. */
  codeFile(ref: string): { file: string; name?: string } | { unsupported: string };
}

export type Mapped = ({ type: CheckType } & Record<string, unknown>) | { unsupported: string; fix: string };

export interface Mapper {
  map(a: PromptfooAssertion, ctx: MapContext): Mapped;
  /** The evalspec check reads the assertion's `threshold` (others report one as not carried over). */
  usesThreshold?: boolean;
  /** A model-graded check: the assertion's `provider` is its judge. */
  graded?: boolean;
}

const NO_CHECK_FIX = 'write a javascript check (docs/checks.md) or a judge check with a rubric that says what it tests';

const none = (unsupported: string, fix = NO_CHECK_FIX): Mapper => ({ map: () => ({ unsupported, fix }) });

const text = (a: PromptfooAssertion): string => (typeof a.value === 'string' ? a.value : JSON.stringify(a.value ?? ''));

/** promptfoo takes a list, or one comma-separated string. */
const list = (a: PromptfooAssertion): string[] =>
  Array.isArray(a.value)
    ? a.value.map(String)
    : String(a.value ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);

const caseless = (type: CheckType, many: boolean, ignoreCase: boolean): Mapper => ({
  map: (a) => ({ type, value: many ? list(a) : text(a), ...(ignoreCase ? { ignore_case: true } : {}) }),
});

// Finds JSON anywhere in the output, as promptfoo's contains-json does: from each "{" or "[", the balanced span
// (strings skipped) is parsed once, so a long output costs a scan per opening bracket, not a parse per pair.
const CONTAINS_JSON = [
  'for (let i = 0; i < output.length; i++) {',
  "  if (output[i] !== '{' && output[i] !== '[') continue;",
  '  let depth = 0;',
  '  let inString = false;',
  '  for (let j = i; j < output.length; j++) {',
  '    const c = output[j];',
  '    if (inString) {',
  "      if (c === '\\\\') j++;",
  "      else if (c === '\"') inString = false;",
  '      continue;',
  '    }',
  "    if (c === '\"') inString = true;",
  "    else if (c === '{' || c === '[') depth++;",
  "    else if ((c === '}' || c === ']') && --depth === 0) {",
  '      try { JSON.parse(output.slice(i, j + 1)); return true; } catch { /* not JSON: try the next opening bracket */ }',
  '      break;',
  '    }',
  '  }',
  '}',
  'return false;',
].join('\n');

/** Names promptfoo's javascript `context` has that evalspec's does not (evalspec has vars, output and more). */
export const MISSING_CONTEXT = /\bcontext\s*\.\s*(prompt|test|logProbs|config|provider|providerResponse|trace)\b/;

const javascript: Mapper = {
  usesThreshold: true,
  map: (a, ctx) => {
    const value = text(a);
    // promptfoo passes a number when it is > 0 without a threshold; evalspec compares with >= threshold.
    const threshold = a.threshold ?? 1e-9;
    if (value.startsWith('file://')) {
      const module = ctx.codeFile(value.slice('file://'.length));
      if ('unsupported' in module) return { unsupported: module.unsupported, fix: 'rewrite the check as a .js/.mjs module, or inline it' };
      return { type: 'javascript', file: module.file, ...(module.name ? { function: module.name } : {}), threshold };
    }
    const missing = MISSING_CONTEXT.exec(value);
    if (missing) {
      return {
        unsupported: `the code reads context.${missing[1]}, which evalspec's javascript checks do not have`,
        fix: 'use vars, output and context.messages instead (docs/checks.md "javascript")',
      };
    }
    return { type: 'javascript', value, threshold };
  },
};

const judgeWith =
  (type: 'judge' | 'closed-qa' | 'factuality', field: 'rubric' | 'criteria' | 'reference'): Mapper['map'] =>
  (a, ctx) => {
    if (typeof a.value !== 'string' || a.value.trim() === '') return { unsupported: 'the grading instruction is not a text', fix: 'write the rubric as text' };
    const threshold = type === 'judge' && a.threshold !== undefined ? { threshold: a.threshold } : {};
    return { type, judge: ctx.grader(a), [field]: a.value, ...threshold };
  };

const PROMPTFOO_TYPES = [
  'equals',
  'contains',
  'icontains',
  'contains-any',
  'icontains-any',
  'contains-all',
  'icontains-all',
  'regex',
  'starts-with',
  'is-json',
  'contains-json',
  'javascript',
  'levenshtein',
  'latency',
  'cost',
  'word-count',
  'llm-rubric',
  'model-graded-closedqa',
  'factuality',
  'answer-relevance',
  'similar',
  'python',
  'g-eval',
  'context-faithfulness',
  'context-recall',
  'context-relevance',
  'select-best',
  'moderation',
  'rouge-n',
  'bleu',
  'perplexity',
  'webhook',
  'is-xml',
  'contains-xml',
  'is-sql',
  'contains-sql',
  'is-valid-openai-tools-call',
  'is-valid-openai-function-call',
  'assert-set',
] as const;
export type PromptfooType = (typeof PROMPTFOO_TYPES)[number];

export const ASSERTIONS = {
  equals: { map: (a) => ({ type: 'equals', value: a.value as string }) },
  contains: caseless('contains', false, false),
  icontains: caseless('contains', false, true),
  'contains-any': caseless('contains-any', true, false),
  'icontains-any': caseless('contains-any', true, true),
  'contains-all': caseless('contains-all', true, false),
  'icontains-all': caseless('contains-all', true, true),
  regex: { map: (a) => ({ type: 'regex', value: text(a) }) },
  'starts-with': { map: (a) => ({ type: 'starts-with', value: text(a) }) },
  'is-json': { map: (a) => (a.value === undefined ? { type: 'is-json' } : { type: 'json-schema', value: a.value }) },
  'contains-json': {
    map: (a) =>
      a.value === undefined
        ? { type: 'javascript', value: CONTAINS_JSON }
        : {
            unsupported: 'contains-json with a schema: evalspec validates a schema on the whole output (json-schema)',
            fix: 'use json-schema if the output is only JSON',
          },
  },
  javascript,
  levenshtein: { usesThreshold: true, map: (a) => ({ type: 'levenshtein', value: text(a), threshold: a.threshold ?? 5 }) },
  latency: {
    usesThreshold: true,
    map: (a) =>
      a.threshold === undefined
        ? { unsupported: 'latency without a threshold', fix: 'add max-latency-ms with a value' }
        : { type: 'max-latency-ms', value: a.threshold },
  },
  cost: {
    usesThreshold: true,
    map: (a) =>
      a.threshold === undefined ? { unsupported: 'cost without a threshold', fix: 'add max-cost with a value' } : { type: 'max-cost', value: a.threshold },
  },
  'word-count': {
    map: (a) => {
      const v = a.value as { min?: number; max?: number } | number | undefined;
      if (typeof v === 'number') return { type: 'length', unit: 'words', min: v, max: v };
      if (v && typeof v === 'object')
        return { type: 'length', unit: 'words', ...(v.min !== undefined ? { min: v.min } : {}), ...(v.max !== undefined ? { max: v.max } : {}) };
      return { unsupported: 'word-count without a number or { min, max }', fix: 'add a length check with unit: words' };
    },
  },
  'llm-rubric': { graded: true, usesThreshold: true, map: judgeWith('judge', 'rubric') },
  'model-graded-closedqa': { graded: true, map: judgeWith('closed-qa', 'criteria') },
  factuality: { graded: true, map: judgeWith('factuality', 'reference') },
  'answer-relevance': none(
    'answer-relevance generates questions from the output with a model and compares their embeddings with the input; evalspec has no embedding check',
    'add a judge check with a rubric such as "the answer addresses the question that was asked"',
  ),
  similar: none(
    "similar compares embeddings (meaning); evalspec's similarity check is character-level (edit distance), so mapping one onto the other would pass and fail different outputs",
    'use a judge check ("says the same as: …"), or similarity if you do want a character-level comparison',
  ),
  python: none('a Python check: evalspec runs JavaScript checks only', 'port it to a javascript check (same (output, context) signature)'),
  'g-eval': none('g-eval (chain-of-thought scoring with a model) has no evalspec check', 'use a rubric check with dimensions and anchors (docs/judges.md)'),
  'context-faithfulness': none(
    "context-faithfulness reads promptfoo's context variable conventions",
    'use a faithfulness check with context_var: (docs/judges.md)',
  ),
  'context-recall': none(
    "promptfoo's context-recall is model-graded; evalspec's context-recall scores retrieved document ids",
    'use a judge check, or context-recall on a RAG target',
  ),
  'context-relevance': none('context-relevance has no evalspec check'),
  'select-best': none('select-best compares the outputs of several prompts at once', 'use a pairwise check (docs/judges.md)'),
  moderation: none('moderation calls a moderation API; evalspec has no moderation check'),
  'rouge-n': none('ROUGE has no evalspec check'),
  bleu: none('BLEU has no evalspec check'),
  perplexity: none('perplexity needs log-probabilities, which evalspec does not request'),
  webhook: none('a webhook check calls a URL; evalspec checks run locally', 'call the service from a javascript module check'),
  'is-xml': none('XML validation has no evalspec check'),
  'contains-xml': none('XML validation has no evalspec check'),
  'is-sql': none('SQL validation has no evalspec check'),
  'contains-sql': none('SQL validation has no evalspec check'),
  'is-valid-openai-tools-call': none(
    "tool-call validation against promptfoo's tool list",
    'declare tools: in the suite and use tool-called / tool-args checks (docs/agents.md)',
  ),
  'is-valid-openai-function-call': none(
    "function-call validation against promptfoo's function list",
    'declare tools: in the suite and use tool-called / tool-args checks (docs/agents.md)',
  ),
  'assert-set': none(
    'a nested set of assertions with its own threshold',
    'write the inner checks on the case (the case threshold: applies to all of its checks)',
  ),
} satisfies Record<PromptfooType, Mapper>;

export function mapperOf(type: string): Mapper | undefined {
  return Object.hasOwn(ASSERTIONS, type) ? (ASSERTIONS as Record<string, Mapper>)[type] : undefined;
}

export { PROMPTFOO_TYPES };
