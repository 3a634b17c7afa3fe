// `evalspec gate RUN_ID`: evaluate the quality bars stored with a run and exit 1 when one is not met (or not
// proven, unless --allow-inconclusive). An incomplete or cancelled run exits 3 whatever the bars say.
import type { Command } from 'commander';
import type { CliIO } from '../cli-io.js';
import { EXIT } from '../../errors.js';
import { openStore } from '../../store/index.js';
import { buildRunReport, gateSummary, incompleteRunAdvice, renderBarsText, repeatReduceLine } from '../../report/index.js';
import type { GateSummary } from '../../stats/index.js';

/** The one-line reason a gate fails, for stderr. */
export function gateFailureMessage(summary: GateSummary, allowInconclusive: boolean): string {
  const parts: string[] = [];
  if (summary.notMet) parts.push(`${summary.notMet} not met`);
  if (summary.inconclusive && !allowInconclusive) parts.push(`${summary.inconclusive} inconclusive (not proven; --allow-inconclusive accepts them)`);
  return `quality bars failed: ${parts.join(', ')}`;
}

export function registerGateCommand(program: Command, io: CliIO): void {
  program
    .command('gate')
    .description("check a stored run against its suite's quality bars: exit 0 when every bar is met, 1 when not")
    .argument('<runId>', 'a run id from `evalspec runs`, or latest')
    .option('--allow-inconclusive', 'bars whose point estimate clears the bar but whose bound does not (not proven) do not fail')
    .option('--json', 'print the verdicts as JSON')
    .option('--reduce <reducer>', "judge the bars with this repeat reducer instead of the suite's (mean, majority, all, pass@K, pass^K)")
    .action(async (runId: string, opts) => {
      const store = openStore(program.opts().db, { access: 'read' });
      try {
        const report = await buildRunReport(store, runId, undefined, { reduce: opts.reduce });
        // Said with the verdicts: they rest on another reducer than the one the suite stored.
        const reduce = opts.reduce !== undefined ? { repeatReduce: report.repeatReduce } : {};
        const allow = Boolean(opts.allowInconclusive);
        const summary = gateSummary(report, allow);
        const bars = report.bars ?? [];
        const complete = report.status === 'completed';
        if (opts.json) {
          io.stdout(
            `${JSON.stringify({ runId: report.runId, status: report.status, allowInconclusive: allow, ...reduce, pass: complete && summary.pass, summary, bars }, null, 2)}\n`,
          );
        } else {
          io.stdout(`${report.suite.name} · run ${report.runId}${report.label ? ` (${report.label})` : ''} · ${report.status}\n`);
          if (opts.reduce !== undefined) io.stdout(`${repeatReduceLine(report)}\n`);
          if (bars.length === 0) io.stdout('no quality bars: the suite has no bars: list, so there is nothing to gate on\n');
          else io.stdout(`\nquality bars:\n${renderBarsText(report).join('\n')}\n`);
        }
        if (!complete) {
          const next =
            report.status === 'incomplete'
              ? (await incompleteRunAdvice(store, report.runId)).replace(/^run incomplete: /, '')
              : `finish it with: evalspec run --resume ${report.runId}`;
          io.stderr(`run ${report.runId} is ${report.status}: bars were evaluated on the results so far; ${next}\n`);
          io.exitCode = EXIT.incomplete;
          return;
        }
        if (!summary.pass) io.stderr(`${gateFailureMessage(summary, allow)}\n`);
        io.exitCode = summary.pass ? EXIT.ok : EXIT.barFailed;
      } finally {
        await store.close();
      }
    });
}
