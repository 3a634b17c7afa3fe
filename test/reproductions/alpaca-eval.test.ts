// Reproduces published AlpacaEval leaderboard figures from the annotation files (test fixtures, CC BY-NC
// 4.0, see test/fixtures/alpaca_eval/NOTICE.md): win rate and standard error to 4 decimal places, and
// the win/loss/draw counts, through the real CLI.
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir, cleanupTempDirs, REPO } from '../helpers/cli.js';
import { preferenceWinRate } from '../../src/stats/index.js';

// Published rows of the leaderboard CSVs (src/alpaca_eval/leaderboards/...), AlpacaEval 2.0 and 1.0.
const PUBLISHED = [
  {
    file: 'weighted_alpaca_eval_gpt4_turbo/claude-2.json',
    winRate: 17.188240356708075,
    se: 1.17482825615589,
    wins: 131,
    losses: 673,
    draws: 1,
    n: 805,
    discrete: 16.335403726708076,
  },
  {
    file: 'weighted_alpaca_eval_gpt4_turbo/gpt-3.5-turbo-1106.json',
    winRate: 9.177964561962735,
    se: 0.8904117511864436,
    wins: 64,
    losses: 737,
    draws: 4,
    n: 805,
    discrete: 8.198757763975156,
  },
  {
    file: 'alpaca_eval_gpt4/gpt4.json',
    winRate: 95.27950310559004,
    se: 0.716281440286153,
    wins: 761,
    losses: 32,
    draws: 12,
    n: 805,
    discrete: 95.27950310559004,
  },
  {
    file: 'alpaca_eval_gpt4/claude-2.json',
    winRate: 91.35572139303484,
    se: 0.9897323784630048,
    wins: 734,
    losses: 69,
    draws: 1,
    n: 804,
    discrete: 91.35572139303484,
  },
  {
    file: 'alpaca_eval_gpt4/llama-2-70b-chat-hf.json',
    winRate: 92.66169154228857,
    se: 0.911762258320568,
    wins: 743,
    losses: 57,
    draws: 4,
    n: 804,
    discrete: 92.66169154228857,
  },
];

const fixture = (f: string) => join(REPO, 'test/fixtures/alpaca_eval', f);

describe('AlpacaEval reproduction', () => {
  afterAll(cleanupTempDirs);

  it.each(PUBLISHED)('$file: win rate and standard error match the leaderboard to 4 decimals', async (row) => {
    const dir = tempDir();
    const result = await runCli(['pairwise', fixture(row.file), '--json', 'out.json'], { cwd: dir });
    expect(result.exitCode).toBe(0);
    const { groups } = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'));
    expect(groups).toHaveLength(1);
    const s = groups[0].overall;
    expect((100 * s.winRate).toFixed(4)).toBe(row.winRate.toFixed(4));
    expect((100 * s.standardError).toFixed(4)).toBe(row.se.toFixed(4));
    expect((100 * s.discreteWinRate).toFixed(4)).toBe(row.discrete.toFixed(4));
    expect([s.wins, s.losses, s.draws, s.n]).toEqual([row.wins, row.losses, row.draws, row.n]);
    // Our own intervals bracket the estimate and name their method.
    for (const ci of [s.normalInterval, s.wilsonInterval, s.bootstrapInterval]) {
      expect(ci.method).toMatch(/normal|wilson|bootstrap/);
      expect(ci.low).toBeLessThan(s.winRate + 0.02);
      expect(ci.high).toBeGreaterThan(s.winRate - 0.02);
    }
    expect(result.stdout).toContain(`win rate ${row.winRate.toFixed(2)}% ± ${row.se.toFixed(2)}`);
  });

  it('the bootstrap interval agrees with the normal interval within a few percent (large-sample limit)', () => {
    const rows = JSON.parse(readFileSync(fixture('weighted_alpaca_eval_gpt4_turbo/claude-2.json'), 'utf8'));
    const s = preferenceWinRate(
      rows.map((r: { preference: number | null }) => r.preference),
      { seed: 7, resamples: 20_000 },
    )!;
    const width = (i: { low: number; high: number }) => i.high - i.low;
    expect(Math.abs(width(s.bootstrapInterval!) / width(s.normalInterval!) - 1)).toBeLessThan(0.05);
  });

  it('maps legacy 0 to a tie, drops nulls, and rejects out-of-scale preferences', async () => {
    const s = preferenceWinRate([2, 1, 0, 1.5, null, 1.75])!;
    expect(s.n).toBe(5);
    expect(s.dropped).toBe(1);
    expect(s.draws).toBe(2);
    expect(s.winRate).toBeCloseTo((1 + 0 + 0.5 + 0.5 + 0.75) / 5, 12);
    const dir = tempDir();
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"id":"a","preference":1.5}\n{"id":"b","preference":3}\n');
    const result = await runCli(['pairwise', bad], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/bad\.jsonl:2/);
    expect(result.stderr).toContain('preference must be a number in [1, 2]');
  });

  it('reads win/tie/loss JSONL and reports per segment', async () => {
    const dir = tempDir();
    const file = join(dir, 'wtl.jsonl');
    const rows = [
      ...Array(6).fill({ result: 'win', segment: 'a' }),
      ...Array(2).fill({ result: 'loss', segment: 'a' }),
      { result: 'tie', segment: 'b' },
      { result: 'loss', segment: 'b' },
    ];
    writeFileSync(file, rows.map((r, i) => JSON.stringify({ id: `c${i}`, ...r })).join('\n'));
    const result = await runCli(['pairwise', file, '--json', 'o.json'], { cwd: dir });
    expect(result.exitCode).toBe(0);
    const g = JSON.parse(readFileSync(join(dir, 'o.json'), 'utf8')).groups[0];
    expect(g.overall.winRate).toBeCloseTo(6.5 / 10, 12);
    expect(g.segments.map((x: { segment: string; summary: { n: number } }) => [x.segment, x.summary.n])).toEqual([
      ['a', 8],
      ['b', 2],
    ]);
  });
});
