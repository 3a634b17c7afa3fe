// A small experiment whose every unit value is worked out by hand in the comments, with one of each data problem.
import { join } from 'node:path';
import { tempDir, writeFiles, jsonl } from '../helpers/cli.js';

export const EXPOSURES = [
  'user_id,arm,timestamp,plan',
  'u1,control,2026-11-01T10:00:00Z,free', // line 2
  'u2,control,2026-11-01T11:00:00Z,pro',
  'u3,treatment,2026-11-01T12:00:00Z,free',
  'u4,treatment,2026-11-02T09:00:00Z,pro',
  'u1,control,2026-11-03T09:00:00Z,free', // line 6: a repeat exposure, same arm: fine, first exposure stays day 0
  'u5,control,2026-11-02T09:00:00Z,free',
  'u5,treatment,2026-11-02T10:00:00Z,free', // line 8: u5 in both arms → excluded
  'u6,holdout,2026-11-02T10:00:00Z,free', // line 9: unknown arm
  'u7,treatment,yesterday,free', // line 10: bad timestamp
  ',control,2026-11-02T10:00:00Z,free', // line 11: no unit
  'u8,treatment,2026-11-02T12:00:00Z,pro', // line 12: no outcomes
].join('\n');

export const OUTCOMES = jsonl([
  { user_id: 'u1', timestamp: '2026-11-01T12:00:00Z', accepted: 1, shown: 2, seconds: 10 },
  { user_id: 'u1', timestamp: '2026-11-02T12:00:00Z', accepted: 0, shown: 3, seconds: 20 },
  { user_id: 'u2', timestamp: '2026-11-01T11:30:00Z', accepted: 0, shown: 1, seconds: 'n/a' }, // line 3: non-numeric seconds
  { user_id: 'u3', timestamp: '2026-11-01T11:00:00Z', accepted: 1, shown: 1 }, // line 4: before u3's exposure (12:00)
  { user_id: 'u3', timestamp: '2026-11-01T13:00:00Z', accepted: 1, shown: 4, seconds: 5 },
  { user_id: 'u4', timestamp: '2026-11-02T10:00:00Z', accepted: 2, shown: 2, seconds: 7 },
  { user_id: 'u5', timestamp: '2026-11-02T11:00:00Z', accepted: 1, shown: 1 }, // line 7: excluded unit
  { user_id: 'u9', timestamp: '2026-11-02T11:00:00Z', accepted: 1, shown: 1 }, // line 8: never exposed
]);

export const PRE = ['user_id,pre_accept', 'u1,0.5', 'u2,abc', 'u3,0.2', 'u4,0.1', 'u99,1'].join('\n');

export const EXP_YAML = `name: small
unit: user_id
arms:
  - { id: control, weight: 0.5 }
  - { id: treatment, weight: 0.5 }
exposures: { file: exposures.csv }
outcomes: { file: outcomes.jsonl }
pre_period: { file: pre.csv }
segments: [plan]
metrics:
  - { id: acceptance, type: proportion, column: accepted }
  - { id: accepted_total, type: mean, column: accepted, covariate: pre_accept }
  - { id: seconds, type: mean, column: seconds, aggregate: mean, higher_is_better: false }
  - { id: accept_rate, type: ratio, numerator: accepted, denominator: shown }
analysis: { min_segment_units: 2, novelty_days: 1 }
`;

/** Writes the small experiment into a fresh temporary directory; returns the exp.yaml path. */
export function writeSmallExperiment(yaml = EXP_YAML, files: Record<string, string> = {}): string {
  const dir = tempDir('evalspec-exp-');
  writeFiles(dir, { 'exp.yaml': yaml, 'exposures.csv': EXPOSURES, 'outcomes.jsonl': OUTCOMES, 'pre.csv': PRE, ...files });
  return join(dir, 'exp.yaml');
}
