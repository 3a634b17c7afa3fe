// `evalspec history SUITE`: each metric of a suite over its stored runs, oldest first, with intervals, labels,
// commits and the steps that are statistically significant against the previous run.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { Option } from 'commander';
import type { CliIO } from '../cli-io.js';
import { EXIT } from '../../errors.js';
import { openStore } from '../../store/index.js';
import { loadSuite } from '../../suite/index.js';
import { buildHistory, renderHistoryText, writeHistoryJson } from '../../report/index.js';
import { positiveInt } from '../options.js';

export function registerHistoryCommand(program: Command, io: CliIO): void {
  program
    .command('history')
    .description('each metric of a suite over its stored runs (oldest first), with intervals and the significant steps')
    .argument('<suite>', 'the suite name (as in `evalspec runs`), or its file')
    .option('--metric <name...>', 'also these metrics: score, check metric names, or "all"')
    .addOption(new Option('--limit <n>', 'the newest N runs').argParser(positiveInt('--limit')).default(20))
    .option('--label <name>', 'only runs with this label (e.g. main)')
    .option('--include-incomplete', 'also runs that did not complete')
    .option('--json <file>', 'write the history as JSON')
    .action(async (suite: string, opts) => {
      const store = openStore(program.opts().db, { access: 'read' });
      try {
        let name = suite;
        const known = await store.runs.list({ suite: name, limit: 1 });
        if (known.length === 0 && existsSync(suite)) {
          try {
            name = loadSuite(suite).name;
          } catch {
            // Not a loadable suite: keep the argument as the name.
          }
        }
        const history = await buildHistory(store, name, {
          limit: opts.limit,
          metrics: opts.metric,
          label: opts.label,
          includeIncomplete: Boolean(opts.includeIncomplete),
        });
        if (opts.json) await writeHistoryJson(history, opts.json);
        io.stdout(`${renderHistoryText(history)}\n`);
        io.exitCode = EXIT.ok;
      } finally {
        await store.close();
      }
    });
}
