// `evalspec select RUN_ID`: the quality–cost (or quality–latency) decision for a stored run: Pareto
// frontier, dominated variants, the cheapest variant provably within a margin of the best (overall and per
// segment), a routing suggestion, and spend at a stated volume.
import type { Command } from 'commander';
import { Option } from 'commander';
import type { CliIO } from '../cli-io.js';
import { EvalspecError } from '../../errors.js';
import { openStore } from '../../store/index.js';
import { writeFileSync } from 'node:fs';
import { loadSelectionData, parseVolume, projectSelection, selectModels } from '../../analysis/index.js';
import { renderSelection, selectionJson, type SelectionContext } from '../../report/index.js';

/** "0.03", "3%", "3pt", "3 points" → 0.03. */
export function parseWithin(value: string): number {
  const m = /^\s*([0-9]*\.?[0-9]+)\s*(%|pts?|points?)?\s*$/i.exec(value);
  const n = m ? Number(m[1]) : NaN;
  const share = m?.[2] ? n / 100 : n;
  if (!m || !Number.isFinite(share) || share < 0 || share >= 1 || (!m[2] && n >= 1)) {
    throw new EvalspecError('USAGE', `--within must be a margin like 0.03 or 3%, got "${value}"`, {
      hint: 'e.g. --within 0.03 (3 points below the best at most)',
    });
  }
  return share;
}

function parseLevel(value: string): number {
  const n = Number(value);
  if (!(n > 0 && n < 1)) throw new EvalspecError('USAGE', `--level must be between 0 and 1, got "${value}"`, { hint: 'e.g. --level 0.95' });
  return n;
}

export function registerSelectCommand(program: Command, io: CliIO): void {
  program
    .command('select')
    .description('choose a model: Pareto frontier of quality vs cost (or latency), the cheapest variant within a margin of the best, routing, projected spend')
    .argument('<runId>', 'a run id from `evalspec runs` (or "latest")')
    .addOption(
      new Option('--within <margin>', 'quality floor: provably within this margin of the best (0.03 or 3%)').default(0.03, '0.03').argParser(parseWithin),
    )
    .addOption(new Option('--by <axis>', 'what to minimise against quality').choices(['cost', 'latency']).default('cost'))
    .option('--volume <volume>', 'project spend at this volume: 2M/month, 500k/day, 1e6 (per month)')
    .option('--baseline <variant>', 'the variant savings are measured from (default: the best)')
    .option('--segment-by <prefix>', 'case tag prefix that names segments (tags like segment:enterprise)', 'segment')
    .addOption(new Option('--level <level>', 'confidence level').default(0.95, '0.95').argParser(parseLevel))
    .option('--json <file>', 'write the chart-ready JSON of the frontier (points, intervals, dominance, routing, projection)')
    .action(async (runIdArg: string, opts) => {
      const volume = opts.volume ? parseVolume(opts.volume) : undefined;
      const store = openStore(program.opts().db, { access: 'read' });
      try {
        let runId = runIdArg;
        if (runId === 'latest') {
          const [latest] = await store.runs.list({ limit: 1 });
          if (!latest) throw new EvalspecError('RUN_NOT_FOUND', `no runs in ${store.location}`, { hint: 'run a suite first: evalspec run SUITE' });
          runId = latest.id;
        }
        const data = await loadSelectionData(store, runId, { segmentBy: opts.segmentBy });
        if (opts.baseline && !data.run.variants.some((v) => v.id === opts.baseline)) {
          throw new EvalspecError('USAGE', `no variant "${opts.baseline}" in run ${runId}`, {
            hint: `use one of: ${data.run.variants.map((v) => v.id).join(', ')}`,
          });
        }
        const input = { ...data.input, within: opts.within, by: opts.by, level: opts.level };
        const selection = selectModels(input);
        const projection = volume ? projectSelection(input, selection, volume, opts.baseline) : undefined;
        const context: SelectionContext = {
          runId,
          suite: data.run.suiteName,
          status: data.run.status,
          segmentBy: data.segmentBy,
          unpricedModels: data.unpricedModels,
          errors: data.errors,
          judgeCosts: data.judgeCosts,
        };
        if (opts.json) writeFileSync(opts.json, `${JSON.stringify(selectionJson(selection, context, projection), null, 2)}\n`);
        io.stdout(`${renderSelection(selection, context, projection)}\n`);
        io.exitCode = 0;
      } finally {
        await store.close();
      }
    });
}
