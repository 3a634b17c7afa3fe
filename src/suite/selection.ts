// The --model and --prompt selections of loadSuite (issue #20): which of the suite's models and prompts a run plans,
// the ad-hoc models a --model ref adds ("the new model against our evals, today"), and `try`'s cases.
import { EvalspecError } from '../errors.js';
import type { Prompt } from './schema.js';
import { suggest } from './suggest.js';
import { hashJson } from './cases.js';

/**
 * The --model selection: labels or refs of the suite's models, and `provider:model` refs the suite lacks on one of its
 * providers (declared or built in), added as ad-hoc models labelled by the ref with the suite's params (issue #20).
 */
export function selectModels<M extends { label: string; ref: string }>(
  models: M[],
  wanted: string[],
  context: { providerIds: string[]; file: string; parseAdHoc: (entries: { id: string; label: string }[]) => M[] },
): M[] {
  const names = new Set(wanted);
  const picked = models.filter((m) => names.has(m.label) || names.has(m.ref));
  const matched = (name: string) => models.some((m) => m.label === name || m.ref === name);
  const missing = wanted.filter((name) => !matched(name));
  const { providerIds } = context;
  const isRefOnProvider = (name: string) => {
    const colon = name.indexOf(':');
    return colon > 0 && colon < name.length - 1 && providerIds.includes(name.slice(0, colon));
  };
  const adHoc = missing.filter(isRefOnProvider);
  const unknown = missing.filter((name) => !adHoc.includes(name));
  if (unknown.length > 0) {
    const refs = unknown.filter((name) => name.includes(':'));
    throw new EvalspecError('USAGE', `--model ${unknown.join(',')} matches no model of the suite`, {
      file: context.file,
      hint:
        `the suite's models: ${models.map((m) => m.label).join(', ')}` +
        (refs.length > 0 ? `; a provider:model ref the suite lacks must name one of its providers: ${providerIds.join(', ')}` : ''),
    });
  }
  if (adHoc.length === 0) return picked;
  // Parsed as model entries of the file, after the suite's own; labelled by the ref, which no suite label equals (unmatched).
  const entries = adHoc.filter((ref, i) => adHoc.indexOf(ref) === i).map((ref) => ({ id: ref, label: ref }));
  return [...picked, ...context.parseAdHoc(entries)];
}

/** The --prompt selection: only these prompt ids, in the suite's order. */
export function selectPrompts(prompts: Prompt[], wanted: string[], file: string): Prompt[] {
  const unknown = wanted.filter((id) => !prompts.some((p) => p.id === id));
  if (unknown.length > 0) {
    const guess = suggest(
      unknown[0],
      prompts.map((p) => p.id),
    );
    throw new EvalspecError('USAGE', `--prompt ${unknown.join(',')}: no such prompt id in the suite${guess ? ` (did you mean ${guess}?)` : ''}`, {
      file,
      hint: `the suite's prompt ids: ${prompts.map((p) => p.id).join(', ')}`,
    });
  }
  return prompts.filter((p) => wanted.includes(p.id));
}

/**
 * `evalspec try --case ID... [--var k=v]`: only these cases, in the order given, each with the --var values over its
 * own vars (a case so changed gets a hash of its own: it is never compared to its unchanged self).
 */
export function selectCases<C extends { id: string; vars: Record<string, unknown>; contentHash: string }>(
  cases: C[],
  ids: string[],
  vars: Record<string, string>,
  file: string,
): C[] {
  const byId = new Map(cases.map((c) => [c.id, c]));
  const unknown = ids.filter((id) => !byId.has(id));
  if (unknown.length > 0) {
    const close = [...new Set(unknown.flatMap((id) => closeIds(id, [...byId.keys()])))];
    throw new EvalspecError('USAGE', `--case ${unknown.join(',')}: no such case id in the suite`, {
      file,
      hint: close.length > 0 ? `close ids: ${close.join(', ')}` : `the suite's first case ids: ${[...byId.keys()].slice(0, 10).join(', ')}`,
    });
  }
  const overridden = Object.keys(vars).length > 0;
  return [...new Set(ids)].map((id) => {
    const c = byId.get(id)!;
    if (!overridden) return c;
    return { ...c, vars: { ...c.vars, ...vars }, contentHash: hashJson({ case: c.contentHash, vars }).slice(0, 16) };
  });
}

/** Up to five ids nearest to `id`: the closest by edit distance, then the ids that contain it or that it contains. */
function closeIds(id: string, ids: string[]): string[] {
  const guess = suggest(id, ids);
  const related = ids.filter((other) => other.includes(id) || id.includes(other));
  return [...new Set([...(guess ? [guess] : []), ...related])].slice(0, 5);
}
