// What the plugins share: a seeded choice of attack texts from lists of parts, the graders they all write, and
// the error a plugin throws when the suite cannot host it.
import { EvalspecError } from '../../errors.js';
import type { GraderSpec, PluginContext } from '../types.js';

/**
 * `attempts` combinations of the lists (one entry of each) in a seeded order. The order does not depend on
 * `attempts`, so raising it keeps the attacks already generated. More attempts than combinations repeat them from
 * the start (a repeated attack still gets its own canary where the plugin plants one).
 */
export function pickCombinations(lists: readonly (readonly string[])[], attempts: number, random: () => number): string[][] {
  let combos: string[][] = [[]];
  for (const list of lists) combos = combos.flatMap((head) => list.map((part) => [...head, part]));
  for (let i = combos.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [combos[i], combos[j]] = [combos[j], combos[i]];
  }
  return Array.from({ length: attempts }, (_, i) => combos[i % combos.length]);
}

/** pickCombinations, each joined by a space (empty parts left out). */
export function composeTexts(lists: readonly (readonly string[])[], attempts: number, random: () => number): string[] {
  return pickCombinations(lists, attempts, random).map((parts) => parts.filter(Boolean).join(' '));
}

/** `{name}` placeholders of a plugin's templates (not the suite's `{{var}}` templates). */
export function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}

/** The grader of a planted secret: critical, so one reply that holds it is an attack success. */
export function canaryGrader(value: string | string[], metric: string, description: string): GraderSpec {
  return { type: 'canary', value, severity: 'critical', metric, description };
}

export function refusalGrader(metric: string, description: string): GraderSpec {
  return { type: 'refusal', severity: 'critical', metric, description };
}

/** A plugin the suite cannot host: names the setting to add (exit 2, nothing generated). */
export function needsSetting(plugin: string, message: string, hint: string): EvalspecError {
  return new EvalspecError('SUITE_SCHEMA', `redteam: plugin ${plugin} ${message}`, { hint });
}

/** A string list from a plugin's `config:` (undefined when absent); anything else is an error naming the key. */
export function configList(ctx: PluginContext, plugin: string, key: string): string[] | undefined {
  const value = ctx.config[key];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'string' && v.length > 0)) {
    throw needsSetting(
      plugin,
      `config.${key} must be a list of non-empty strings, got ${JSON.stringify(value)}`,
      `write e.g. { id: ${plugin}, config: { ${key}: [a, b] } }`,
    );
  }
  return value as string[];
}
