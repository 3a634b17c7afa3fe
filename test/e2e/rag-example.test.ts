// The shipped RAG example (examples/rag-retrieval) through the built CLI: two keyword retrievers as `function:`
// targets returning their top 3 articles. The test recomputes recall@3, hit@1, reciprocal rank and nDCG@3 from
// the documents each result stored and the cases' relevant ids (its own arithmetic, not evalspec's), checks
// them against the scores evalspec gave, and checks the README's figures against the run. Two cases are
// worked by hand from the retrievers' rules.
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, cleanupTempDirs, runCli, tempDir, type CliResult } from '../helpers/cli.js';
import { queryDb } from '../helpers/store.js';

const EXAMPLE = join(REPO, 'examples/rag-retrieval');
const relevantOf = new Map<string, string[]>(
  readFileSync(join(EXAMPLE, 'cases.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line))
    .map((c: { id: string; vars: { relevant_ids: string[] } }) => [c.id, c.vars.relevant_ids]),
);

/** Recall@3, hit@1, reciprocal rank, nDCG@3 (binary gains) of one ranking, written out for this test. */
function figures(ranked: string[], relevant: string[]): Record<'context-recall' | 'hit-at-k' | 'mrr' | 'ndcg', number> {
  const isRelevant = (id: string) => relevant.includes(id);
  const top3 = ranked.slice(0, 3);
  const firstRank = ranked.findIndex(isRelevant) + 1; // 0 when none
  let dcg = 0;
  top3.forEach((id, i) => (dcg += isRelevant(id) ? 1 / Math.log2(i + 2) : 0));
  let idcg = 0;
  for (let i = 0; i < Math.min(3, relevant.length); i++) idcg += 1 / Math.log2(i + 2);
  return {
    'context-recall': relevant.filter((id) => top3.includes(id)).length / relevant.length,
    'hit-at-k': isRelevant(ranked[0] ?? '') ? 1 : 0,
    mrr: firstRank === 0 ? 0 : 1 / firstRank,
    ndcg: dcg / idcg,
  };
}

interface Row {
  case_id: string;
  variant_id: string;
  checks_json: string;
  transcript_json: string;
}

describe('examples/rag-retrieval', () => {
  let dir: string;
  let run: CliResult;
  let rows: { caseId: string; variant: string; ranked: string[]; scores: Record<string, number> }[];
  beforeAll(async () => {
    dir = tempDir();
    run = await runCli(['run', EXAMPLE, '--no-progress'], { cwd: dir });
    rows = queryDb<Row>(dir, 'SELECT case_id, variant_id, checks_json, transcript_json FROM results').map((r) => ({
      caseId: r.case_id,
      variant: r.variant_id,
      ranked: (JSON.parse(r.transcript_json).context as { id: string }[]).map((d) => d.id),
      scores: Object.fromEntries((JSON.parse(r.checks_json) as { type: string; score: number }[]).map((c) => [c.type, c.score])),
    }));
  });
  afterAll(() => cleanupTempDirs());

  it('runs offline: 15 cases on both retrievers, every result with the documents it retrieved', () => {
    expect(run.exitCode, run.stderr).toBe(0);
    expect(rows).toHaveLength(30);
    for (const r of rows) expect(r.ranked.length).toBeLessThanOrEqual(3);
  });

  it("every check's score is the figure recomputed from the stored ranking", () => {
    for (const r of rows) {
      const want = figures(r.ranked, relevantOf.get(r.caseId)!);
      for (const [type, value] of Object.entries(want)) expect(r.scores[type], `${r.variant} · ${r.caseId} · ${type}`).toBeCloseTo(value, 10);
    }
  });

  it('two cases worked by hand from the retrievers', () => {
    const row = (variant: string, caseId: string) => rows.find((r) => r.variant === variant && r.caseId === caseId)!;
    // keyword, "Can I get a refund on a monthly plan?": the refunds article d05 says "refunded" and "plans",
    // so it matches only "can" and "monthly"; d08 matches 3 words and two earlier articles tie d05 at 2.
    expect(row('keyword', 'monthly-refund').ranked).not.toContain('d05');
    expect(row('keyword', 'monthly-refund').scores).toMatchObject({ 'context-recall': 0, 'hit-at-k': 0, mrr: 0, ndcg: 0 });
    // filtered, "Do shared links expire?" → {shared, link, expire}: d01 (link, "expires" → expire) ties d08
    // (shared, link) at 2 and comes first: RR 1/2, nDCG@3 = (1/log2 3) / 1 = 0.63093.
    expect(row('filtered', 'link-expiry').ranked).toEqual(['d01', 'd08']);
    expect(row('filtered', 'link-expiry').scores.mrr).toBe(0.5);
    expect(row('filtered', 'link-expiry').scores.ndcg).toBeCloseTo(0.63093, 5);
  });

  it("the README's table and bar lines are this run's figures", () => {
    const readme = readFileSync(join(EXAMPLE, 'README.md'), 'utf8');
    const mean = (variant: string, type: string) => {
      const own = rows.filter((r) => r.variant === variant);
      return own.reduce((s, r) => s + r.scores[type], 0) / own.length;
    };
    for (const variant of ['keyword', 'filtered']) {
      const cells = ['context-recall', 'hit-at-k', 'mrr', 'ndcg'].map((t) => mean(variant, t).toFixed(4));
      expect(readme).toMatch(new RegExp(`\\| ${variant} \\| ${cells[0]} \\(\\d+/15\\) \\| ${cells[1]} \\(\\d+/15\\) \\| ${cells[2]} \\| ${cells[3]} \\|`));
      for (const metric of ['context-recall', 'mrr']) {
        const line = `mean ${metric} ${mean(variant, metric).toFixed(4)} over 15 cases`;
        expect(run.stdout).toContain(line);
        expect(readme).toContain(line);
      }
    }
  });
});
