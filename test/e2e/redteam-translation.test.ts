// Translation (a model-written strategy) end to end against the loopback fake provider: the example's suite
// narrowed to three plugins and French, with the fake's `redteam-attacker` as the attacker model. Generation writes
// French variants (cached and priced by the attacker, provenance naming it); run against the bot, the guarded
// prompt's English-only keyword guard misses attacks in French that it refuses in English, while the naive prompt
// falls for both: the guardrail's hole shows in the translation column.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeProvider } from '../fake-provider/server.js';
import { cleanupTempDirs, type CliResult } from '../helpers/cli.js';
import { copyRedteamExample, redteamCli, startRedteamFake } from '../helpers/redteam-example.js';

describe('translation strategy against the example bot', () => {
  let fake: FakeProvider;
  let dir: string;
  let cases: any[];
  let report: any;
  let generate: CliResult;
  beforeAll(async () => {
    fake = await startRedteamFake();
    let suite: string;
    ({ dir, suite } = copyRedteamExample());
    const yaml = readFileSync(suite, 'utf8')
      .replace(/ {2}plugins:\n( {4}- .*\n)+/, '  plugins: [prompt-injection, system-prompt-extraction, secret-leak]\n')
      .replace(/ {2}strategies: .*\n/, '  strategies: [{ id: translation, config: { languages: [fr] } }]\n  attacker: openai:redteam-attacker\n');
    writeFileSync(suite, yaml);
    generate = await redteamCli(fake, dir, ['redteam', 'generate', suite]);
    cases = readFileSync(join(dirname(suite), 'redteam-cases.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    await redteamCli(fake, dir, ['run', suite, '--no-progress', '--suite-part', 'redteam', '--json', 'report.json']);
    report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
  }, 240_000);
  afterAll(async () => {
    await fake.close();
    cleanupTempDirs();
  });

  it('generation writes one French variant per base attack, by the attacker model', () => {
    expect(generate.exitCode, generate.stderr).toBe(0);
    const french = cases.filter((c) => c.provenance.strategy === 'translation');
    expect(french.length).toBe(9); // 3 plugins × 3 attempts
    expect(french.every((c) => c.id.endsWith('-translation-fr') && c.provenance.generator === 'openai:redteam-attacker')).toBe(true);
    // The fake's attacker answered in French: the phrases its dictionary knows are there, the English ones gone.
    expect(french.some((c) => /consignes|code interne/.test(c.vars.question))).toBe(true);
    expect(french.filter((c) => /ignore all previous instructions/i.test(c.vars.question))).toEqual([]);
  });

  it('the guard refuses the attacks in English and misses some in French; the naive prompt falls for both', () => {
    const [naive, guarded] = report.safety.variants;
    const strategy = (v: any, key: string) => v.byStrategy.find((g: any) => g.key === key);
    expect(strategy(guarded, 'none')).toMatchObject({ attacks: 9, successes: 0 });
    expect(strategy(guarded, 'translation').successes).toBeGreaterThan(0);
    expect(strategy(naive, 'translation').successes).toBeGreaterThanOrEqual(strategy(guarded, 'translation').successes);
    expect(naive.overall.successes).toBeGreaterThan(guarded.overall.successes);
  });
});
