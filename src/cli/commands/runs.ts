// `evalspec runs`
import type { Command } from 'commander';
import type { CliIO } from '../cli-io.js';
import { Option } from 'commander';
import { openStore } from '../../store/index.js';
import { buildRunReport, textTable, pct, costText, interruptedRunAdvice, resumeCommand } from '../../report/index.js';
import { aggregateHeadline, runCostTotals, storedCosts } from '../../analysis/index.js';
import { positiveInt } from '../options.js';
import { runState } from '../../store/index.js';

export function registerRunsCommand(program: Command, io: CliIO): void {
  program
    .command('runs')
    .description('list stored runs, newest first')
    .option('--suite <name>', 'only runs of this suite')
    .option('--label <name>', 'only runs with this label')
    .addOption(new Option('--limit <n>', 'how many').default(20).argParser(positiveInt('--limit')))
    .option('--json', 'print JSON')
    .action(async (opts) => {
      const store = openStore(program.opts().db, { access: 'read' });
      try {
        const runs = await store.runs.list({ suite: opts.suite, label: opts.label, limit: opts.limit });
        if (opts.json) {
          const rows = [];
          for (const run of runs) {
            const { config: _c, ...r } = run;
            // A started run whose process is gone (killed, crashed, machine lost: no live lease) is interrupted.
            const state = await runState(store, run);
            rows.push({ ...r, state, interrupted: state === 'interrupted', resume: state === 'interrupted' ? resumeCommand(r.id) : null });
          }
          io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
          return;
        }
        if (runs.length === 0) {
          io.stdout(`no runs in ${store.location}\n`);
          return;
        }
        const rows = [];
        const resumable: string[] = [];
        for (const run of runs) {
          const state = await runState(store, run);
          if (state === 'interrupted') resumable.push(run.id);
          // The store's aggregate when it gives the figures (one result per case, no clusters), else the run report.
          const variants =
            (await aggregateHeadline(store, run, () => storedCosts(store, run))) ?? (await buildRunReport(store, run.id, 0.95, { analysis: false })).variants;
          const best = variants.map((v) => `${v.id} ${pct(v.passRate)}`).join(', ');
          const cost = runCostTotals({ variants });
          rows.push([
            run.id,
            run.suiteName,
            run.label ?? '',
            state,
            run.startedAt.slice(0, 16).replace('T', ' '),
            best,
            costText(cost.paidUsd),
            costText(cost.listUsd),
          ]);
        }
        io.stdout(`${textTable(['run', 'suite', 'label', 'status', 'started (UTC)', 'pass rates', 'paid', 'list cost'], rows)}\n`);
        for (const id of resumable) io.stdout(`${interruptedRunAdvice(id)}\n`);
      } finally {
        await store.close();
      }
    });
}
