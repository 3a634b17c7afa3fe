// Shared helpers for the score tests: validate → prepare → score one output, the way the pipeline does.
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { prepareChecks, scoreOutput, type CheckContext, type CheckResult, type ScoredOutput } from '../../src/score/index.js';
import { validateCheckSpec } from '../../src/suite/check-specs.js';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

export function context(output: string, overrides: Partial<CheckContext> = {}): CheckContext {
  return { output, vars: {}, caseId: 'case-1', latencyMs: undefined, costUsd: undefined, baseDir: FIXTURES, ...overrides };
}

/** Scores `output` against raw (YAML-shaped) checks. */
export async function scoreRaw(raws: unknown[], output: string, overrides: Partial<CheckContext> = {}): Promise<ScoredOutput> {
  const specs = raws.map((raw) => validateCheckSpec(raw));
  const prepared = await prepareChecks(specs, FIXTURES);
  return scoreOutput(prepared, context(output, overrides));
}

/** The result of a single check. */
export async function check(raw: unknown, output: string, overrides: Partial<CheckContext> = {}): Promise<CheckResult> {
  const { checks } = await scoreRaw([raw], output, overrides);
  return checks[0];
}
