// `evalspec show`
import type { Command } from 'commander';
import type { CliIO } from '../cli-io.js';
import { EXIT } from '../../errors.js';
import { openStore, runState } from '../../store/index.js';
import { buildRunReport, fileReporters, interruptedRunAdvice, REPORTERS, reportRunEnd } from '../../report/index.js';
import { addReportFileOptions } from '../report-options.js';

export function registerShowCommand(program: Command, io: CliIO): void {
  const command = program
    .command('show')
    .description('print a stored run again (and write its reports)')
    .argument('<runId>', 'a run id from `evalspec runs`, or latest');
  addReportFileOptions(command)
    .option('--failures <n>', 'failing cases to show per variant', '5')
    .option('--reduce <reducer>', "fold each case's repeats with this reducer instead of the suite's (mean, majority, all, pass@K, pass^K)")
    .action(async (runId: string, opts) => {
      const store = openStore(program.opts().db, { access: 'read' });
      try {
        const report = await buildRunReport(store, runId, undefined, { reduce: opts.reduce });
        // The files first, then the terminal summary (a failed write is an error before anything is printed).
        await reportRunEnd([...fileReporters(opts), REPORTERS.terminal.create({ write: io.stdout, failures: Number(opts.failures) })], report, store);
        // A stored `started` run: still executing (the figures are partial), or its process is gone.
        const run = await store.runs.get(report.runId);
        const state = run ? await runState(store, run) : report.status;
        if (state === 'interrupted') io.stdout(`${interruptedRunAdvice(report.runId)}\n`);
        if (state === 'running') io.stdout(`run ${report.runId} is still running: the figures above are its results stored so far\n`);
        io.exitCode = report.status === 'completed' ? EXIT.ok : EXIT.incomplete;
      } finally {
        await store.close();
      }
    });
}
