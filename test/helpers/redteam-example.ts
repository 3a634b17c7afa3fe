// examples/redteam-support-bot run by the built CLI against the loopback fake provider, for the safety tests: the
// bot's model is the fake's `redteam-prompted` behaviour (test/fake-provider/redteam-models.ts), which is guarded
// exactly when the bot's system prompt has its "Security rules" section: the naive prompt falls for every attack,
// the guarded one refuses what its keyword guard reads and is fooled by look-alike letters and invisible characters.
import { cpSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { KEY } from '../fake-provider/helpers.js';
import { promptedRedteamAnswer, REDTEAM_MODELS } from '../fake-provider/redteam-models.js';
import { startFakeProvider, type FakeProvider } from '../fake-provider/server.js';
import { REPO, runCli, tempDir, type CliResult } from './cli.js';

export const REDTEAM_EXAMPLE = join(REPO, 'examples/redteam-support-bot');

/** The bot's calls answered by `redteam-prompted`; the other red-team models (the attacker) by their id. */
export function startRedteamFake(): Promise<FakeProvider> {
  return startFakeProvider({ apiKey: KEY, answer: (req) => REDTEAM_MODELS.get(req.model)?.(req) ?? promptedRedteamAnswer(req) });
}

/**
 * A copy of the example in a fresh directory (generation writes beside the suite; the shipped file stays as is),
 * with node_modules/evalspec linked to this checkout so bot.mjs's `evalspec/chain` import resolves as it does in
 * the repository.
 */
export function copyRedteamExample(): { dir: string; suite: string } {
  const dir = tempDir();
  const copy = join(dir, 'redteam-support-bot');
  cpSync(REDTEAM_EXAMPLE, copy, { recursive: true });
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(REPO, join(dir, 'node_modules', 'evalspec'), 'dir');
  return { dir, suite: join(copy, 'evalspec.yaml') };
}

/** `evalspec ARGS` in `dir` (its store in dir/.evalspec), the fake's key and URL in the env. */
export function redteamCli(fake: FakeProvider, dir: string, args: string[]): Promise<CliResult> {
  return runCli(args, { cwd: dir, env: { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: fake.openaiBaseURL }, timeoutMs: 120_000 });
}
