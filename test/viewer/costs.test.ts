// The viewer's cost figures are the CLI's (analysis/cost-figures.ts): runs stored by the built CLI against the
// loopback fake provider, then read through the viewer API. An unpriced model whose calls all errored has an
// unknown cost (null, "unknown" in the UI), not $0; a priced one's refused calls cost a known $0; a run served
// from the cache paid $0 and its list cost is the first run's.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonl, runCli, tempDir, writeFiles } from '../helpers/cli.js';
import { startOver } from './helpers.js';
import { openAiSuite, useFakeProvider } from '../helpers/suite.js';

const KEY = 'sk-viewer-costs-key-0123456789';
const N = 4;
const suite = (url: string, models: string) =>
  openAiSuite({
    name: 'viewer-costs',
    url,
    models,
    provider: 'timeout_ms: 5000',
    checks: '[{ type: contains, value: "fine" }]',
    extra: 'retries: { max: 0 }\n',
  });
const CASES = jsonl(Array.from({ length: N }, (_, i) => ({ id: `c${i + 1}`, vars: { question: `Is item ${i + 1} fine?` } })));

const env = { OPENAI_API_KEY: KEY };
const fake = useFakeProvider({
  apiKey: KEY,
  // Every call to gpt-nonexistent-9 (no price) and gpt-4o (priced) is refused: 400 is not retried.
  fault: (req) => (req.model.startsWith('gpt-nonexistent') || req.model === 'gpt-4o' ? { kind: '400', message: 'no such model' } : undefined),
  answer: () => ({ text: 'It is fine.', inputTokens: 1000, outputTokens: 200 }),
});

async function viewerJson(dir: string, paths: string[]): Promise<unknown[]> {
  const viewer = await startOver(join(dir, '.evalspec/evalspec.db'));
  try {
    return await Promise.all(paths.map(async (p) => (await fetch(`${viewer.url}api${p}`)).json()));
  } finally {
    await viewer.closeAll();
  }
}

type Summary = { id: string; costUsd: number | null; listCostUsd: number | null };

describe('viewer costs come from the same module as the CLI', () => {
  it('an unpriced model whose calls all errored: unknown (null) in the run summary and the runs list, as in the CLI', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'evalspec.yaml': suite(fake.server.openaiBaseURL, '[openai:gpt-nonexistent-9, openai:gpt-4o]'), 'cases.jsonl': CASES });
    const run = await runCli(['run', 'evalspec.yaml', '--no-progress', '--json', 'out.json'], { cwd: dir, env });
    expect(run.exitCode, run.stderr).toBe(3); // every call errored
    const cli = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'));
    const [page, list] = (await viewerJson(dir, [`/runs/${cli.runId}`, '/runs'])) as [
      { summary: Summary[] },
      { runs: { costUsd: number | null; listCostUsd: number | null; variants: Summary[] }[] },
    ];
    const expected = { 'gpt-nonexistent-9': { costUsd: null, listCostUsd: null }, 'gpt-4o': { costUsd: 0, listCostUsd: 0 } };
    for (const [id, figures] of Object.entries(expected)) {
      expect(cli.variants.find((v: Summary) => v.id === id)).toMatchObject(figures);
      expect(page.summary.find((v) => v.id === id)).toMatchObject(figures);
      expect(list.runs[0].variants.find((v) => v.id === id)).toMatchObject(figures);
    }
    // The run's total is unknown when one variant's is.
    expect(list.runs[0]).toMatchObject({ costUsd: null, listCostUsd: null });
  });

  it('a run served from the cache: paid $0, list cost the same as the first run (viewer = CLI)', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'evalspec.yaml': suite(fake.server.openaiBaseURL, '[openai:gpt-4o-mini]'), 'cases.jsonl': CASES });
    const first = await runCli(['run', 'evalspec.yaml', '--no-progress', '--json', 'first.json'], { cwd: dir, env });
    expect(first.exitCode, first.stderr).toBe(0);
    const second = await runCli(['run', 'evalspec.yaml', '--no-progress', '--json', 'second.json'], { cwd: dir, env });
    expect(second.exitCode, second.stderr).toBe(0);
    const [a, b] = ['first.json', 'second.json'].map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')).variants[0]);
    expect(a.costUsd).toBeGreaterThan(0);
    expect(b.costUsd).toBe(0);
    expect(b.listCostUsd).toBeCloseTo(a.costUsd, 12);
    const ids = ['first.json', 'second.json'].map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')).runId);
    const [page, list] = (await viewerJson(dir, [`/runs/${ids[1]}`, '/runs'])) as [
      { summary: Summary[] },
      { runs: { id: string; costUsd: number; listCostUsd: number }[] },
    ];
    expect(page.summary[0].costUsd).toBe(0);
    expect(page.summary[0].listCostUsd).toBeCloseTo(b.listCostUsd, 12);
    const cached = list.runs.find((r) => r.id === ids[1])!;
    expect(cached.costUsd).toBe(0);
    expect(cached.listCostUsd).toBeCloseTo(b.listCostUsd, 12);
    const paid = list.runs.find((r) => r.id === ids[0])!;
    expect(paid.costUsd).toBeCloseTo(a.costUsd, 12);
    expect(paid.listCostUsd).toBeCloseTo(a.listCostUsd, 12);
  });
});
