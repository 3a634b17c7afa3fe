// The shipped GSM8K example (examples/gsm8k-routing: RouteLLM's real GPT-4 and Mixtral responses, replayed
// offline) reproduces the published accuracies, and `evalspec select` prints the quality gap with its
// interval, the McNemar p-value of SOURCES.md and the cost ratio.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, runCli, tempDir, cleanupTempDirs } from '../helpers/cli.js';

const SUITE = join(REPO, 'examples/gsm8k-routing/evalspec.yaml');

describe('examples/gsm8k-routing', () => {
  let dir: string;
  let runOutput: { stdout: string; exitCode: number | null };
  beforeAll(async () => {
    dir = tempDir();
    runOutput = await runCli(['run', SUITE, '--no-progress', '--json', 'out.json'], { cwd: dir });
  });
  afterAll(() => cleanupTempDirs());

  it("replays both models and reproduces RouteLLM's grading: 1,130 and 842 of 1,319", () => {
    expect(runOutput.exitCode).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'));
    const byId = new Map(report.variants.map((v: { id: string; passed: number; cases: number }) => [v.id, v]));
    expect(byId.get('gpt-4-1106-preview')).toMatchObject({ passed: 1130, cases: 1319 });
    expect(byId.get('mixtral-8x7b')).toMatchObject({ passed: 842, cases: 1319 });
    // Priced at list price on tokenizer-counted tokens: GPT-4 Turbo at $10/$30, Mixtral at $0.70/$0.70 per million.
    const gpt4 = report.variants.find((v: { id: string }) => v.id === 'gpt-4-1106-preview');
    expect(gpt4.costUsd).toBeCloseTo((gpt4.tokens.input * 10 + gpt4.tokens.output * 30) / 1e6, 9);
    const mixtral = report.variants.find((v: { id: string }) => v.id === 'mixtral-8x7b');
    expect(mixtral.costUsd).toBeCloseTo(((mixtral.tokens.input + mixtral.tokens.output) * 0.7) / 1e6, 9);
  });

  it('select: the quality gap with its interval and McNemar p, and the cost ratio', async () => {
    const result = await runCli(['select', 'latest', '--volume', '2M/month', '--json', 'frontier.json'], { cwd: dir });
    expect(result.exitCode).toBe(0);
    // The mid-p headline (as `evalspec run` gives it) and the exact p of SOURCES.md beside it.
    expect(result.stdout).toContain(
      'mixtral-8x7b: -21.8 points (95% CI -24.8 to -18.8; McNemar mid-p = 3.2e-42, exact p = 5.1e-42) at 1/17.2 of the cost per case',
    );
    expect(result.stdout).toContain('Pareto frontier (quality vs cost per case), cheapest first: mixtral-8x7b → gpt-4-1106-preview');
    expect(result.stdout).toContain('overall: gpt-4-1106-preview (the best; no cheaper variant is proven within 3.0 points)');
    expect(result.stdout).toMatch(/switching all traffic to mixtral-8x7b saves \$[\d,]+\/yr at -21\.8 points/);
    const chart = JSON.parse(readFileSync(join(dir, 'frontier.json'), 'utf8'));
    expect(chart.points.map((p: { variant: string; onFrontier: boolean }) => [p.variant, p.onFrontier])).toEqual([
      ['gpt-4-1106-preview', true],
      ['mixtral-8x7b', true],
    ]);
  });

  it('select --within 0.2: short questions can go to Mixtral, with the blended cost and quality', async () => {
    const result = await runCli(['select', 'latest', '--within', '20%'], { cwd: dir });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('short (34% of cases) → mixtral-8x7b');
    expect(result.stdout).toMatch(/blended: pass rate 81\.1% .* against gpt-4-1106-preview: -4\.5 points \(95% CI -6\.3 to -2\.8/);
  });
});
