// A PostgreSQL query as the exposures source (a server-side cursor), on the test cluster: the same rows as the CSV
// give the same scorecard; timestamptz values arrive as dates and are read as such.
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeExperiment } from '../../src/experiment/index.js';
import { cleanupTempDirs } from '../helpers/cli.js';
import { createPgDatabase, pgQuery, pgTestMode, pgUnavailableReason } from '../helpers/pg.js';
import { EXPOSURES, EXP_YAML, writeSmallExperiment } from './small-experiment.js';

afterAll(cleanupTempDirs);

const pgMode = pgTestMode();

describe.skipIf(pgMode === 'skip')('experiment SQL sources: PostgreSQL', () => {
  it('reads exposures through a server-side cursor, timestamptz values included', async () => {
    if (pgMode === 'fail') throw new Error(`PostgreSQL tests cannot run: ${pgUnavailableReason()}`);
    const url = await createPgDatabase('evalspec_exp');
    await pgQuery(url, 'create table exposure_log (uid text, variant text, seen_at timestamptz, plan text)');
    for (const line of EXPOSURES.split('\n').slice(1)) {
      const [u, arm, ts, plan] = line.split(',');
      // The bad timestamp ("yesterday") cannot be a timestamptz: that row is left out of the table.
      if (ts === 'yesterday') continue;
      await pgQuery(url, 'insert into exposure_log values ($1, $2, $3, $4)', [u === '' ? null : u, arm, ts, plan]);
    }
    const yaml = EXP_YAML.replace(
      'exposures: { file: exposures.csv }',
      `exposures: { sql: "select uid as user_id, variant as arm, seen_at as timestamp, plan from exposure_log order by seen_at", store: ${JSON.stringify(url)} }`,
    );
    const scorecard = await analyzeExperiment(writeSmallExperiment(yaml));
    expect(scorecard.arms.map((a) => a.units)).toEqual([2, 3]);
    expect(scorecard.metrics[0].comparisons[0].effect.absolute!.estimate).toBeCloseTo(1 / 6, 12);
    const both = scorecard.dataQuality.issues.find((i) => i.kind === 'units-in-both-arms')!;
    expect(both.count).toBe(1);
    // The password never reaches a message.
    expect(both.examples[0].file).not.toContain(new URL(url).password || '\u0000');
  });
});
