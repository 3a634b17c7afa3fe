// The shipped red-team example (examples/redteam-support-bot) through the built CLI against the loopback fake
// provider (test/helpers/redteam-example.ts): `redteam generate` writes the committed file again (same seed, same
// attacks), the ordinary questions are answered under both prompts, and `run --suite-part redteam` measures the
// guardrail: the naive prompt falls for more attacks than the guarded one, on the same attacks, and the guard's
// holes (look-alike letters, invisible characters) show in its strategy figures.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeProvider } from '../fake-provider/server.js';
import { cleanupTempDirs, type CliResult } from '../helpers/cli.js';
import { copyRedteamExample, REDTEAM_EXAMPLE, redteamCli, startRedteamFake } from '../helpers/redteam-example.js';
import { queryDb } from '../helpers/store.js';

interface Row {
  variant_id: string;
  case_id: string;
  pass: number;
  checks_json: string;
  error_class: string | null;
}

/** The file's records with their generation time left out (the only field that changes from run to run). */
const records = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((line) => {
      const record = JSON.parse(line);
      delete record.provenance.generated_at;
      return record;
    });

/**
 * Two-sided exact McNemar p from the discordant counts b and c, by hand: 2·P(X ≤ min(b, c)) for X ~ Binomial(b + c, ½),
 * capped at 1, C(n, k) built by its product form (independent of stats/).
 */
function mcnemarByHand(b: number, c: number): number {
  const n = b + c;
  let tail = 0;
  let choose = 1;
  for (let k = 0; k <= Math.min(b, c); k++) {
    if (k > 0) choose = (choose * (n - k + 1)) / k;
    tail += choose / 2 ** n;
  }
  return Math.min(1, 2 * tail);
}

describe('examples/redteam-support-bot', () => {
  let fake: FakeProvider;
  let dir: string;
  let suite: string;
  let generate: CliResult;
  let run: CliResult;
  let rows: Row[];
  beforeAll(async () => {
    fake = await startRedteamFake();
    ({ dir, suite } = copyRedteamExample());
    generate = await redteamCli(fake, dir, ['redteam', 'generate', suite]);
    run = await redteamCli(fake, dir, ['run', suite, '--no-progress', '--suite-part', 'redteam', '--json', 'report.json']);
    rows = queryDb<Row>(dir, 'SELECT variant_id, case_id, pass, checks_json, error_class FROM results');
  }, 240_000);
  afterAll(async () => {
    await fake.close();
    cleanupTempDirs();
  });

  it('generate writes the committed redteam-cases.jsonl again: the same seed makes the same attacks', () => {
    expect(generate.exitCode, generate.stderr).toBe(0);
    const written = readFileSync(join(dirname(suite), 'redteam-cases.jsonl'), 'utf8');
    const committed = readFileSync(join(REDTEAM_EXAMPLE, 'redteam-cases.jsonl'), 'utf8');
    expect(records(written)).toEqual(records(committed));
  });

  it('measures the guardrail on the same attacks: fewer succeed against the guarded prompt, McNemar exact p by hand', () => {
    expect(run.stderr).not.toContain('error[');
    expect(rows.every((r) => r.error_class === null)).toBe(true);
    // An attack succeeded when a critical check failed (every generated case has one): read from the stored checks.
    const succeeded = new Map<string, boolean>();
    for (const r of rows) {
      const checks = JSON.parse(r.checks_json) as { severity: string; pass: boolean }[];
      expect(checks.some((c) => c.severity === 'critical')).toBe(true);
      succeeded.set(
        `${r.variant_id} ${r.case_id}`,
        checks.some((c) => c.severity === 'critical' && !c.pass),
      );
    }
    const ids = [...new Set(rows.map((r) => r.case_id))];
    expect(ids).toHaveLength(records(readFileSync(join(REDTEAM_EXAMPLE, 'redteam-cases.jsonl'), 'utf8')).length);
    const naive = ids.filter((id) => succeeded.get(`naive ${id}`));
    const guarded = ids.filter((id) => succeeded.get(`guarded ${id}`));
    expect(naive.length).toBeGreaterThan(guarded.length);
    const naiveOnly = naive.filter((id) => !guarded.includes(id)).length;
    const guardedOnly = guarded.filter((id) => !naive.includes(id)).length;
    const p = mcnemarByHand(naiveOnly, guardedOnly);
    expect(p).toBeLessThan(0.001);
    // The run report's safety figures say the same (report/'s JSON; the terminal prints the same figures).
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    const [c] = report.safety.comparisons;
    expect(c).toMatchObject({
      baseline: 'naive',
      variant: 'guarded',
      n: ids.length,
      baselineOnly: naiveOnly,
      variantOnly: guardedOnly,
      method: 'mcnemar-exact',
    });
    expect(c.pValue).toBeCloseTo(p, 12);
    expect(report.safety.variants.map((v: any) => [v.id, v.overall.successes, v.overall.attacks])).toEqual([
      ['naive', naive.length, ids.length],
      ['guarded', guarded.length, ids.length],
    ]);
    expect(run.stdout).toContain(`${guarded.length} of ${ids.length} attacks succeeded`);
    expect(run.stdout).toContain(`${naiveOnly} succeeded only against naive, ${guardedOnly} only against guarded; McNemar exact p < 0.001`);
    // The guard's holes: what it reads (encodings, framings, split payloads) it stops; look-alike letters and
    // invisible characters get through (test/fake-provider/redteam-models.ts), and the naive prompt falls for more of each.
    const byStrategy = (variant: string[], strategy: string) => variant.filter((id) => id.endsWith(`-${strategy}`)).length;
    for (const strategy of ['base64', 'rot13', 'role-play', 'hypothetical', 'payload-splitting']) expect(byStrategy(guarded, strategy), strategy).toBe(0);
    expect(byStrategy(guarded, 'homoglyph') + byStrategy(guarded, 'zero-width')).toBeGreaterThan(0);
    for (const strategy of ['base64', 'rot13', 'leetspeak', 'homoglyph', 'zero-width', 'role-play', 'hypothetical', 'payload-splitting'])
      expect(byStrategy(naive, strategy), strategy).toBeGreaterThan(byStrategy(guarded, strategy));
  });

  it("the example README's excerpts are this run's output, line for line", () => {
    const readme = readFileSync(join(REDTEAM_EXAMPLE, 'README.md'), 'utf8');
    const excerpt = /## What it prints[\s\S]*?```\n([\s\S]*?)```/.exec(readme)![1];
    const lines = excerpt.split('\n').filter((line) => line.trim() !== '');
    expect(lines.length).toBeGreaterThan(20);
    const printed = new Set(run.stdout.split('\n'));
    expect(lines.filter((line) => !printed.has(line))).toEqual([]);
  });

  it('diff of a run without and a run with the guard pairs the same attacks and finds what the two-variant run found', async () => {
    const ids: string[] = [];
    for (const label of ['naive', 'guarded']) {
      const one = await redteamCli(fake, dir, ['run', suite, '--no-progress', '--suite-part', 'redteam', '--model', label, '--json', `${label}.json`]);
      expect(one.stderr).not.toContain('error[');
      ids.push(JSON.parse(readFileSync(join(dir, `${label}.json`), 'utf8')).runId);
    }
    const diff = await redteamCli(fake, dir, ['diff', ids[0], ids[1], '--json', 'diff.json']);
    expect(diff.stderr).not.toContain('error[');
    const [c] = JSON.parse(readFileSync(join(dir, 'diff.json'), 'utf8')).safety.comparisons;
    const [together] = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')).safety.comparisons;
    expect([c.n, c.baselineOnly, c.variantOnly]).toEqual([together.n, together.baselineOnly, together.variantOnly]);
    expect(c.pValue).toBeCloseTo(together.pValue, 12);
    expect(diff.stdout).toContain('attack success rate 100.0% → 10.9%');
  });

  it('answers the ordinary questions under both prompts (the guard costs no helpfulness here)', async () => {
    const ordinary = await redteamCli(fake, dir, ['run', suite, '--no-progress', '--suite-part', 'cases']);
    expect(ordinary.exitCode, ordinary.stderr).toBe(0);
    const stored = queryDb<{ variant_id: string; case_id: string; pass: number }>(
      dir,
      "SELECT variant_id, case_id, pass FROM results WHERE case_id NOT LIKE 'rt-%' ORDER BY variant_id, case_id",
    );
    expect(stored.map((r) => `${r.variant_id} ${r.case_id} ${r.pass}`)).toEqual(
      ['extender', 'firmware', 'reboot', 'warranty'].flatMap((c) => [`guarded ${c} 1`, `naive ${c} 1`]).sort(),
    );
  });
});
