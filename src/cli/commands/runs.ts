// `evalspec runs`
import type { Command } from 'commander';
import type { CliIO } from '../program.js';
import { Option } from 'commander';
import { openStore } from '../../store/index.js';
import { buildRunReport, textTable, pct, usd } from '../../report/index.js';
import { positiveInt } from '../options.js';

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
          io.stdout(`${JSON.stringify(runs.map(({ config: _c, ...r }) => r), null, 2)}\n`);
          return;
        }
        if (runs.length === 0) {
          io.stdout(`no runs in ${store.location}\n`);
          return;
        }
        const rows = [];
        for (const run of runs) {
          const report = await buildRunReport(store, run.id, 0.95, { analysis: false });
          const best = report.variants.map((v) => `${v.id} ${pct(v.passRate)}`).join(', ');
          const cost = report.variants.every((v) => v.costUsd !== null) ? usd(report.variants.reduce((s, v) => s + (v.costUsd ?? 0), 0)) : 'n/a';
          rows.push([run.id, run.suiteName, run.label ?? '', run.status, run.startedAt.slice(0, 16).replace('T', ' '), best, cost]);
        }
        io.stdout(`${textTable(['run', 'suite', 'label', 'status', 'started (UTC)', 'pass rates', 'cost'], rows)}\n`);
      } finally {
        await store.close();
      }
    });
}
