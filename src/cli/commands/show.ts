// `evalspec show`
import type { Command } from 'commander';
import type { CliIO } from '../cli-io.js';
import { EXIT } from '../../errors.js';
import { openStore, runState } from '../../store/index.js';
import { buildRunReport, interruptedRunAdvice, renderTerminalReport, writeJsonReport, writeJunitReport, writeMarkdownReport } from '../../report/index.js';

export function registerShowCommand(program: Command, io: CliIO): void {
  program
    .command('show')
    .description('print a stored run again (and write its reports)')
    .argument('<runId>', 'a run id from `evalspec runs`, or latest')
    .option('--json <file>', 'write the JSON report')
    .option('--junit <file>', 'write a JUnit XML report')
    .option('--md <file>', 'write a Markdown summary')
    .option('--failures <n>', 'failing cases to show per variant', '5')
    .action(async (runId: string, opts) => {
      const store = openStore(program.opts().db, { access: 'read' });
      try {
        const report = await buildRunReport(store, runId);
        if (opts.json) await writeJsonReport(store, report, opts.json);
        if (opts.junit) await writeJunitReport(store, report.runId, opts.junit);
        if (opts.md) await writeMarkdownReport(store, report, opts.md);
        io.stdout(`${await renderTerminalReport(store, report, { failures: Number(opts.failures) })}\n`);
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
