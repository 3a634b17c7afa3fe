// A promptfoo assertion → an evalspec check spec (validated with suite/'s check schemas), or an entry in the
// import's list of what was not carried over. The per-type mapping is assertion-table.ts; here: `not-` forms,
// `weight`, `metric`, thresholds, `$ref` templates, the keys no check has, and CSV's `__expected` shorthand.
import { isEvalspecError } from '../errors.js';
import { validateCheckSpec } from '../suite/index.js';
import { mapperOf, type MapContext, type PromptfooAssertion } from './assertion-table.js';
import type { ImportIssues } from './issues.js';
import { convertDeep } from './templates.js';

export interface Where {
  file: string;
  line?: number;
  key: string;
}

/** The keys the driver itself reads (the rest are reported when present). */
const HANDLED = new Set(['type', 'value', 'threshold', 'weight', 'metric', 'provider']);

export interface AssertionContext extends MapContext {
  issues: ImportIssues;
  /** `assertionTemplates:` of the config, for `$ref: '#/assertionTemplates/name'`. */
  templates: Record<string, unknown>;
}

/** Maps one assertion; undefined (and an issue recorded) when it is not carried over. */
export function mapAssertion(raw: unknown, where: Where, ctx: AssertionContext): Record<string, unknown> | undefined {
  const drop = (key: string, reason: string, fix: string) => ctx.issues.drop({ file: where.file, line: where.line, key: `${where.key}${key}`, reason, fix });
  let assertion = raw as PromptfooAssertion | { $ref?: unknown } | null;
  const ref = (assertion as { $ref?: unknown } | null)?.$ref;
  if (typeof ref === 'string') {
    const name = /^#\/assertionTemplates\/(.+)$/.exec(ref)?.[1];
    const template = name === undefined ? undefined : ctx.templates[name];
    if (!template) {
      drop('.$ref', `the reference ${ref} does not name an assertionTemplates entry`, 'write the check out');
      return undefined;
    }
    assertion = template as PromptfooAssertion;
  }
  if (!assertion || typeof assertion !== 'object' || typeof (assertion as { type?: unknown }).type !== 'string') {
    drop('', 'an assertion without a type', 'write the check out in evalspec.yaml');
    return undefined;
  }
  const a = assertion as PromptfooAssertion;
  const negated = a.type.startsWith('not-');
  const type = negated ? a.type.slice(4) : a.type;
  const mapper = mapperOf(type);
  const typed = `.type: ${a.type}`;
  if (!mapper) {
    drop(typed, `"${a.type}" is not an assertion type the importer knows`, 'write an evalspec check for it (docs/checks.md)');
    return undefined;
  }
  const mapped = mapper.map(a, { ...ctx, grader: (x) => ctx.grader(x, { ...where, key: `${where.key}.provider` }) });
  if (typeof mapped.unsupported === 'string') {
    drop(typed, mapped.unsupported, String(mapped.fix));
    return undefined;
  }
  const spec: Record<string, unknown> = { ...mapped };
  if (negated) spec.not = true;
  if (a.weight !== undefined) spec.weight = a.weight;
  if (a.metric !== undefined) spec.metric = a.metric;
  if (a.threshold !== undefined && !mapper.usesThreshold) {
    drop('.threshold', `a threshold on ${a.type}, a pass/fail check, has no meaning in evalspec`, 'nothing to do; the case threshold: still applies');
  }
  if (a.provider !== undefined && !mapper.graded) drop('.provider', `a provider on ${a.type}, which calls no model`, 'nothing to do');
  for (const key of Object.keys(a)) {
    if (HANDLED.has(key)) continue;
    const why =
      key === 'transform'
        ? 'a transform of the output before this check: evalspec checks see the output as returned'
        : key === 'rubricPrompt'
          ? "a custom grading prompt: evalspec's judges use their own fenced prompt"
          : `the assertion key "${key}" has no evalspec equivalent`;
    drop(`.${key}`, why, key === 'transform' ? 'fold the transform into a javascript check' : 'see docs/checks.md for what the check accepts');
  }
  // Templates in values: {{ var }} → {{var}}; code (javascript's value) is left as written.
  const converted = spec.type === 'javascript' ? { value: spec, unsupported: [] } : convertDeep(spec);
  if (converted.unsupported.length > 0) {
    drop(typed, `its value uses ${converted.unsupported[0]}`, 'put the computed value into a case var');
    return undefined;
  }
  try {
    validateCheckSpec(converted.value, { file: where.file, line: where.line });
  } catch (error) {
    if (!isEvalspecError(error)) throw error;
    drop(typed, `the mapped ${String(spec.type)} check is not valid: ${error.message}`, error.hint ?? 'fix the assertion');
    return undefined;
  }
  return converted.value as Record<string, unknown>;
}

const SHORTHAND_PREFIXES: Record<string, string> = {
  grade: 'llm-rubric',
  'llm-rubric': 'llm-rubric',
  fn: 'javascript',
  javascript: 'javascript',
  eval: 'javascript',
  python: 'python',
};

/**
 * promptfoo's string form of an assertion (a CSV `__expected` column): `icontains:bonjour`, `grade:…`,
 * `fn:…`, `not-contains:…`, `similar(0.8):…`, `is-json`; anything else is `equals` with the whole text.
 */
export function assertionFromString(text: string): PromptfooAssertion {
  const match = /^(not-)?([a-z][\w-]*)(?:\((\d+(?:\.\d+)?)\))?(?::([\s\S]*))?$/.exec(text.trim());
  if (match) {
    const [, not = '', name, threshold, value] = match;
    const type = SHORTHAND_PREFIXES[name] ?? name;
    if (mapperOf(type) && (value !== undefined || ['is-json', 'contains-json'].includes(type))) {
      return {
        type: `${not}${type}`,
        ...(value !== undefined ? { value: type.endsWith('-any') || type.endsWith('-all') ? value.split(',').map((s) => s.trim()) : value.trim() } : {}),
        ...(threshold !== undefined ? { threshold: Number(threshold) } : {}),
      };
    }
  }
  if (text.startsWith('file://')) return { type: text.endsWith('.py') ? 'python' : 'javascript', value: text };
  return { type: 'equals', value: text };
}
