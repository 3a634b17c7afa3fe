// `evalspec pairwise FILE`: win rates from pairwise judgments (e.g. AlpacaEval annotations), with the
// source's own standard error beside evalspec's Wilson and bootstrap intervals, overall and per segment.
import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import type { CliIO } from '../cli-io.js';
import { loadPreferences, type PreferenceRow } from '../../suite/index.js';
import { preferenceWinRate, type WinRateSummary } from '../../stats/index.js';
import { textTable } from '../../report/index.js';

const p100 = (x: number | undefined) => (x === undefined ? 'n/a' : (100 * x).toFixed(2));
const range = (i: { low: number; high: number } | undefined) => (i ? `${p100(i.low)}–${p100(i.high)}` : 'n/a');

export interface PairwiseGroup {
  baseline: string;
  candidate: string;
  annotator: string | null;
  overall: WinRateSummary | undefined;
  segments: { segment: string; summary: WinRateSummary | undefined }[];
  judgeCostUsd: number | null;
}

export function summarisePairwise(rows: PreferenceRow[], options: { seed: number; level: number }): PairwiseGroup[] {
  const groups = new Map<string, PreferenceRow[]>();
  for (const r of rows) {
    const key = JSON.stringify([r.baseline, r.candidate, r.annotator]);
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()].map((list) => {
    const bySegment = new Map<string, (number | null)[]>();
    for (const r of list) if (r.segment) bySegment.set(r.segment, [...(bySegment.get(r.segment) ?? []), r.preference]);
    const costs = list.map((r) => r.costUsd);
    return {
      baseline: list[0].baseline,
      candidate: list[0].candidate,
      annotator: list[0].annotator,
      overall: preferenceWinRate(
        list.map((r) => r.preference),
        options,
      ),
      segments: [...bySegment.entries()].sort().map(([segment, prefs]) => ({ segment, summary: preferenceWinRate(prefs, options) })),
      // Rows without a recorded judge price (e.g. cached annotations) make the total unknown.
      judgeCostUsd: costs.every((c) => c !== null) ? costs.reduce((s, c) => s + (c ?? 0), 0) : null,
    };
  });
}

export function registerPairwiseCommand(program: Command, io: CliIO): void {
  program
    .command('pairwise')
    .description('win rate of a candidate vs a baseline from pairwise judgments (AlpacaEval annotations or JSONL)')
    .argument('<file>', 'annotations.json (AlpacaEval) or JSONL rows {id, segment?, preference | result}')
    .option('--json <file>', 'write the figures as JSON')
    .option('--seed <n>', 'bootstrap seed', '1')
    .option('--level <p>', 'confidence level', '0.95')
    .action((file: string, opts) => {
      const groups = summarisePairwise(loadPreferences(file), { seed: Number(opts.seed), level: Number(opts.level) });
      if (opts.json) writeFileSync(opts.json, `${JSON.stringify({ formatVersion: 1, file, groups }, null, 2)}\n`);
      for (const g of groups) {
        const s = g.overall;
        io.stdout(
          `${g.candidate} vs ${g.baseline}${g.annotator ? ` (judge ${g.annotator})` : ''}: ${s?.n ?? 0} comparisons${s?.dropped ? `, ${s.dropped} without a verdict dropped` : ''}\n`,
        );
        if (!s) continue;
        io.stdout(`  win rate ${p100(s.winRate)}% ± ${p100(s.standardError)} (standard error as AlpacaEval defines it: sample sd / √n)\n`);
        io.stdout(`  ${s.wins} wins, ${s.losses} losses, ${s.draws} draws; discrete win rate ${p100(s.discreteWinRate)}%\n`);
        io.stdout(
          `  95% intervals: normal ${range(s.normalInterval)} · Wilson (wins among decisive) ${range(s.wilsonInterval)} · bootstrap ${range(s.bootstrapInterval)}\n`,
        );
        if (g.judgeCostUsd !== null)
          io.stdout(`  judge cost $${g.judgeCostUsd.toFixed(4)} ($${((1000 * g.judgeCostUsd) / (s.n + s.dropped)).toFixed(2)} per 1,000 comparisons)\n`);
        if (g.segments.length > 1) {
          const rows = g.segments.map(({ segment, summary: x }) => [
            segment,
            String(x?.n ?? 0),
            `${p100(x?.winRate)}%`,
            p100(x?.standardError),
            range(x?.wilsonInterval),
            x && x.n < 30 ? 'too few to say much' : '',
          ]);
          io.stdout(
            `${textTable(['segment', 'n', 'win rate', 'SE', 'Wilson 95% CI', ''], rows, [false, true, true, true, true, false]).replace(/^/gm, '  ')}\n`,
          );
        }
      }
    });
}
