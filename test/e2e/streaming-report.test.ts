// The streaming figures in the run report (issue #20), through the built CLI: `run --stream` stores each call's time to
// first token, and the report gives per variant TTFT p50/p95 and decode tokens/s = Σ output tokens ÷ Σ (latency −
// TTFT) over the streamed calls, the same figures in JSON, the terminal table and Markdown. The expected values are
// computed here from the stored rows (quantiles by the numpy-default rule written out below), not by our code. A run
// that streamed nothing keeps its tables as they were and reports the figures as null, never 0. The viewer's run page
// summary gives the same figures.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir, writeFiles } from '../helpers/cli.js';
import { dbPath, queryDb } from '../helpers/store.js';
import { startOver } from '../viewer/helpers.js';
import { openAiSuite, ticketCases, useFakeProvider } from '../helpers/suite.js';

const KEY = 'sk-stream-report-key-0123456789';

/** numpy.quantile's default (linear): position (n − 1)·p between the order statistics. */
function quantile(sorted: number[], p: number): number {
  const at = (sorted.length - 1) * p;
  const lo = Math.floor(at);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}
/** The report's `ms` format: one decimal under 10 ms, else whole ms. */
const msText = (x: number) => (x < 10 ? `${x.toFixed(1)}ms` : `${Math.round(x)}ms`);

describe('streaming figures in the run report', () => {
  const fake = useFakeProvider({
    apiKey: KEY,
    chunkDelayMs: 8,
    // Answers of different lengths per case, so the variants' figures differ.
    answer: (req) => `The code is ${'really '.repeat(req.messages.at(-1)!.content.length % 4)}in ticket: ${req.messages.at(-1)!.content}`,
  });

  it('JSON, terminal and Markdown give the TTFT p50/p95 and decode tokens/s of the stored streamed calls', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'evalspec.yaml': openAiSuite({ name: 'stream-report', url: fake.server.openaiBaseURL, models: '[openai:gpt-4o-mini, openai:gpt-4o]' }),
      'cases.jsonl': ticketCases(6),
    });
    const env = { OPENAI_API_KEY: KEY };
    const plain = await runCli(['run', 'evalspec.yaml', '--no-progress', '--json', 'plain.json', '--md', 'plain.md'], { cwd: dir, env });
    expect(plain.exitCode, plain.stderr).toBe(0);
    const plainJson = JSON.parse(readFileSync(join(dir, 'plain.json'), 'utf8'));
    for (const v of plainJson.variants) expect(v.latencyMs).toMatchObject({ streamed: 0, ttftP50: null, ttftP95: null, decodeTokensPerSecond: null });
    expect(plain.stdout).not.toContain('TTFT');
    expect(readFileSync(join(dir, 'plain.md'), 'utf8')).not.toContain('TTFT');

    const r = await runCli(['run', 'evalspec.yaml', '--stream', '--no-cache', '--no-progress', '--json', 'out.json', '--md', 'out.md'], { cwd: dir, env });
    expect(r.exitCode, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'));
    const markdown = readFileSync(join(dir, 'out.md'), 'utf8');
    expect(r.stdout).toContain('p50/p95 TTFT');
    expect(markdown).toContain('p50 / p95 TTFT');
    for (const v of report.variants) {
      const rows = queryDb<{ ttft_ms: number; latency_ms: number; output_tokens: number }>(
        dir,
        'SELECT ttft_ms, latency_ms, output_tokens FROM results WHERE run_id = ? AND variant_id = ?',
        report.runId,
        v.id,
      );
      expect(rows).toHaveLength(6);
      const ttfts = rows.map((x) => x.ttft_ms).sort((a, b) => a - b);
      const tokens = rows.reduce((s, x) => s + x.output_tokens, 0);
      const decodeS = rows.reduce((s, x) => s + (x.latency_ms - x.ttft_ms), 0) / 1000;
      const expected = { p50: quantile(ttfts, 0.5), p95: quantile(ttfts, 0.95), tps: tokens / decodeS };
      expect(v.latencyMs.streamed).toBe(6);
      expect(v.latencyMs.ttftP50).toBeCloseTo(expected.p50, 9);
      expect(v.latencyMs.ttftP95).toBeCloseTo(expected.p95, 9);
      expect(v.latencyMs.decodeTokensPerSecond).toBeCloseTo(expected.tps, 6);
      // The same figures in the terminal table and the Markdown table, on the variant's row.
      const line = r.stdout.split('\n').find((l) => l.startsWith(`${v.id} `))!;
      expect(line).toContain(`${msText(expected.p50)}/${msText(expected.p95)}`);
      expect(line.trim().endsWith(` ${expected.tps.toFixed(0)}`)).toBe(true);
      const mdRow = markdown.split('\n').find((l) => l.startsWith(`| ${v.id} |`))!;
      expect(mdRow.endsWith(`| ${msText(expected.p50)} / ${msText(expected.p95)} | ${expected.tps.toFixed(0)} |`)).toBe(true);
    }
    // The viewer's run page summary (its own pass over the run index) gives the report's figures.
    const viewer = await startOver(dbPath(dir));
    try {
      const page = (await (await fetch(`${viewer.url}api/runs/${report.runId}`)).json()) as { summary: { id: string; latencyMs: unknown }[] };
      for (const v of report.variants) {
        const shown = page.summary.find((x) => x.id === v.id)!.latencyMs as Record<string, number>;
        expect(shown.streamed).toBe(v.latencyMs.streamed);
        // Summed in another order (the index sorts results): equal to rounding.
        for (const k of ['p50', 'p95', 'ttftP50', 'ttftP95', 'decodeTokensPerSecond']) expect(shown[k]).toBeCloseTo(v.latencyMs[k], 9);
      }
    } finally {
      await viewer.closeAll();
    }
    // Each result carries its own TTFT in the JSON report.
    const stored = queryDb<{ case_id: string; variant_id: string; ttft_ms: number }>(
      dir,
      'SELECT case_id, variant_id, ttft_ms FROM results WHERE run_id = ?',
      report.runId,
    );
    for (const s of stored) expect(report.results.find((x: any) => x.caseId === s.case_id && x.variantId === s.variant_id).ttftMs).toBe(s.ttft_ms);
  });
});
