import { expect } from 'vitest';
import { isEvalspecError } from '../../src/errors.js';
import { loadExperiment } from '../../src/experiment/schema.js';
import { loadExperimentData } from '../../src/experiment/load.js';

/** Loading the experiment fails with an EvalspecError whose message matches and whose location ends with `where`. */
export async function analyzeExperimentFileError(path: string, message: RegExp, where: string): Promise<void> {
  let caught: unknown;
  try {
    await loadExperimentData(loadExperiment(path));
  } catch (error) {
    caught = error;
  }
  expect(isEvalspecError(caught), String(caught)).toBe(true);
  const e = caught as import('../../src/errors.js').EvalspecError;
  expect(e.message).toMatch(message);
  expect(`${e.location.file}:${e.location.line}`).toMatch(new RegExp(`${where.replace('.', '\\.')}$`));
  expect(e.hint).toBeTruthy();
}
