// A SQL query as the exposures source (SQLite file): the same rows as the CSV give the same scorecard, and a query
// without a required column is a clear error.
import { afterAll, describe, expect, it } from 'vitest';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { analyzeExperiment } from '../../src/experiment/index.js';
import { isEvalspecError } from '../../src/errors.js';
import { cleanupTempDirs } from '../helpers/cli.js';
import { EXPOSURES, EXP_YAML, writeSmallExperiment } from './small-experiment.js';

afterAll(cleanupTempDirs);

function withSqlExposures(select: string): string {
  const yaml = EXP_YAML.replace('exposures: { file: exposures.csv }', `exposures: { sql: "${select}", store: data.db }`);
  const path = writeSmallExperiment(yaml);
  const db = new Database(join(dirname(path), 'data.db'));
  db.exec('create table exposure_log (uid text, variant text, seen_at text, plan text)');
  const insert = db.prepare('insert into exposure_log values (?, ?, ?, ?)');
  for (const line of EXPOSURES.split('\n').slice(1)) {
    const [u, arm, ts, plan] = line.split(',');
    insert.run(u === '' ? null : u, arm, ts, plan);
  }
  db.close();
  return path;
}

describe('experiment SQL sources', () => {
  it('reads exposures from a SQLite query like the CSV', async () => {
    const fromSql = await analyzeExperiment(withSqlExposures('select uid as user_id, variant as arm, seen_at as timestamp, plan from exposure_log'));
    const fromCsv = await analyzeExperiment(writeSmallExperiment());
    expect(fromSql.arms.map((a) => a.units)).toEqual([2, 3]);
    expect(fromSql.metrics[0].comparisons[0].effect.absolute!.estimate).toBeCloseTo(1 / 6, 12);
    expect(fromSql.metrics.map((m) => m.comparisons[0].effect)).toEqual(fromCsv.metrics.map((m) => m.comparisons[0].effect));
    // Data problems are named by the query's row number (the CSV's line minus its header).
    const both = fromSql.dataQuality.issues.find((i) => i.kind === 'units-in-both-arms')!;
    expect(both.examples[0].file).toMatch(/^sql \(.*data\.db\)$/);
    expect(both.examples[0].row).toBe(7);
  });

  it('a query without the arm column names the columns it returns', async () => {
    const error = await analyzeExperiment(withSqlExposures('select uid as user_id, seen_at as timestamp from exposure_log')).catch((e: unknown) => e);
    expect(isEvalspecError(error)).toBe(true);
    expect((error as Error).message).toMatch(/exposures: the query returns no column "arm" \(it returns: user_id, timestamp\)/);
  });
});
