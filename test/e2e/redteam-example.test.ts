// The shipped red-team example (examples/redteam-support-bot) through the built CLI against the loopback fake
// provider (test/helpers/redteam-example.ts): the bot's ordinary questions are answered under both prompts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeProvider } from '../fake-provider/server.js';
import { cleanupTempDirs } from '../helpers/cli.js';
import { copyRedteamExample, redteamCli, startRedteamFake } from '../helpers/redteam-example.js';
import { queryDb } from '../helpers/store.js';

describe('examples/redteam-support-bot', () => {
  let fake: FakeProvider;
  beforeAll(async () => {
    fake = await startRedteamFake();
  });
  afterAll(async () => {
    await fake.close();
    cleanupTempDirs();
  });

  it('answers the ordinary questions under both prompts (the guard costs no helpfulness here)', async () => {
    const { dir, suite } = copyRedteamExample();
    const run = await redteamCli(fake, dir, ['run', suite, '--no-progress', '--suite-part', 'cases']);
    expect(run.exitCode, run.stderr).toBe(0);
    const rows = queryDb<{ variant_id: string; case_id: string; pass: number }>(
      dir,
      'SELECT variant_id, case_id, pass FROM results ORDER BY variant_id, case_id',
    );
    expect(rows.map((r) => `${r.variant_id} ${r.case_id} ${r.pass}`)).toEqual(
      ['extender', 'firmware', 'reboot', 'warranty'].flatMap((c) => [`guarded ${c} 1`, `naive ${c} 1`]).sort(),
    );
  });
});
