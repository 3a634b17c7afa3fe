// A monitor's checks, resolved and compiled once: `checks:` names pick the suite's checks by metric (validated when
// the suite loaded), specs are used as written, no `checks:` means the suite's own. Checks without `{{…}}` are
// prepared here, once; a templated check depends on the record's vars, so it is rendered per record and prepared
// then (its compiled form is cached by the rendered spec, so a repeated value compiles once).
import { EvalspecError } from '../errors.js';
import { isDeferredCheck, prepareChecks, type JudgeModelSpec, type PreparedCheck } from '../score/index.js';
import { judgeModelsOf, renderDeep, type CheckSpec, type MonitorSpec, type Suite } from '../suite/index.js';
import { stableStringify } from '../stable-json.js';

/** A monitor with its checks ready: `prepare(vars)` gives the checks for one record. */
export interface CompiledMonitor {
  monitor: MonitorSpec;
  specs: CheckSpec[];
  judgeModels: JudgeModelSpec[];
  /** Some check has `{{…}}` placeholders: prepare() reads the record's vars (otherwise it returns the fixed checks). */
  templated: boolean;
  /**
   * The prepared checks for a record with these vars, in the monitor's order. Throws EvalspecError
   * TEMPLATE_VARIABLE when a check needs a variable the record lacks (or CHECK_INVALID when the rendered spec
   * does not compile): the scorer stores that record unscored with the message as its reason.
   */
  prepare(vars: Record<string, unknown>): Promise<PreparedCheck[]>;
}

/** The check specs a monitor applies (pairwise checks against another variant have no other variant in production). */
export function monitorCheckSpecs(suite: Suite, monitor: MonitorSpec): CheckSpec[] {
  const entries = (monitor.checks ?? suite.checks) as (string | CheckSpec)[];
  const specs = entries.flatMap((entry) => {
    if (typeof entry !== 'string') return [entry];
    const named = suite.checks.filter((c) => (c.metric ?? c.type) === entry);
    if (named.length === 0) {
      // loadSuite rejects this; a Suite built by hand may not have been through it.
      throw new EvalspecError('SUITE_SCHEMA', `monitor "${monitor.name}": check "${entry}" is not a metric of the suite's checks`, { file: suite.file });
    }
    return named;
  });
  return specs.filter((spec) => !isDeferredCheck(spec));
}

/** Every distinct judge model the specs name. */
export function judgeModelsOfSpecs(specs: CheckSpec[]): JudgeModelSpec[] {
  const out = new Map<string, JudgeModelSpec>();
  for (const spec of specs) for (const model of judgeModelsOf(spec)) out.set(stableStringify(model), model as JudgeModelSpec);
  return [...out.values()];
}

const TEMPLATED_CACHE_MAX = 256;

export async function compileMonitor(suite: Suite, monitor: MonitorSpec, options: { isolated?: boolean } = {}): Promise<CompiledMonitor> {
  const specs = monitorCheckSpecs(suite, monitor);
  const where = { file: suite.file };
  const templated = specs.map((spec) => stableStringify(spec).includes('{{'));
  // Prepared once: every check without placeholders (a module check is imported here, so a missing file fails now).
  const fixed = await prepareChecks(
    specs.filter((_, i) => !templated[i]),
    suite.dir,
    where,
    { isolated: options.isolated },
  );
  const rendered = new Map<string, Promise<PreparedCheck[]>>();
  const prepareRendered = (spec: CheckSpec): Promise<PreparedCheck[]> => {
    const key = stableStringify(spec);
    let entry = rendered.get(key);
    if (!entry) {
      entry = prepareChecks([spec], suite.dir, where, { isolated: options.isolated });
      rendered.set(key, entry);
      entry.catch(() => rendered.delete(key));
      if (rendered.size > TEMPLATED_CACHE_MAX) rendered.delete(rendered.keys().next().value as string);
    }
    return entry;
  };
  const anyTemplated = templated.some(Boolean);
  return {
    monitor,
    specs,
    judgeModels: judgeModelsOfSpecs(specs),
    templated: anyTemplated,
    async prepare(vars) {
      if (!anyTemplated) return fixed;
      const out: PreparedCheck[] = [];
      let f = 0;
      for (let i = 0; i < specs.length; i++) {
        if (!templated[i]) out.push(fixed[f++]);
        else {
          const spec = renderDeep(specs[i], vars, { ...where, what: `check "${specs[i].metric ?? specs[i].type}" of monitor "${monitor.name}"` });
          out.push(...(await prepareRendered(spec)));
        }
      }
      return out;
    },
  };
}
