// `evalspec ci SUITE`: one command for a pull request. Runs the suite (labelled with --label), gates it on its
// quality bars, compares it with the latest completed run of the suite labelled --baseline-label (default
// main), and writes the Markdown PR comment, JUnit, and JSON. The exit code is the run's: bars decide 1;
// 2 / 3 / 4 / 130 keep their meaning; a missing baseline is said, not an error.
import type { Command } from 'commander';
import { Option } from 'commander';
import type { CliIO } from '../cli-io.js';
import { EXIT } from '../../errors.js';
import { openStore } from '../../store/index.js';
import {
  buildDiffReport,
  ciDecision,
  incompleteRunAdvice,
  renderDiffText,
  REPORTERS,
  reportRunEnd,
  significantRegressions,
  usd,
  writeCiComment,
  writeCiJson,
  type CiInput,
} from '../../report/index.js';
import { findBaselineRun } from '../../analysis/index.js';
import { positiveInt } from '../options.js';
import { addPlanOverrideOptions, runSuiteWithProgress } from '../run-options.js';
import { budgetStopMessage, nonNegativeUsd, cancelledMessage } from '../budget-options.js';
import { gateFailureMessage } from './gate.js';

export function registerCiCommand(program: Command, io: CliIO): void {
  const command = program
    .command('ci')
    .description('run + gate + diff against the baseline run (e.g. main): writes the PR comment (--md), JUnit and JSON; exit 1 when a bar fails')
    .argument('<suite>', 'suite file or directory')
    .option('--baseline-label <label>', 'compare with the latest completed run of the suite with this label', 'main')
    .option('--label <name>', 'label this run (use the baseline label on the main branch, so pull requests compare with it)')
    .option('--md <file>', 'write the Markdown pull-request comment')
    .option('--junit <file>', 'write a JUnit XML report of the run')
    .option('--json <file>', 'write the decision, gate, run report and diff as JSON')
    .option('--allow-inconclusive', 'quality bars that are not proven (inconclusive) do not fail the run')
    .option('--fail-on-regression', 'also exit 1 when a metric or segment got significantly worse than the baseline (Holm-adjusted)')
    .addOption(new Option('--flips <n>', 'flipped cases listed in the comment').argParser(positiveInt('--flips')).default(10))
    .option('--no-cache', 'call providers even when an identical call is cached');
  addPlanOverrideOptions(command)
    .addOption(new Option('--max-cost <usd>', 'stop cleanly before spend would pass this many USD (exit 3)').argParser(nonNegativeUsd('--max-cost')))
    .option('--no-progress', 'no progress output')
    .option(
      '--trust-checks',
      'run javascript checks with the environment and module imports (default: isolated, as the suite may come from an untrusted pull request)',
    )
    .option('--allow-empty', 'run (and record) a suite with no cases instead of refusing it (exit 2)')
    .action(async (suitePath: string, opts) => {
      const result = await runSuiteWithProgress(program, io, suitePath, opts, {
        junit: opts.junit,
        maxCostUsd: opts.maxCost,
        allowInconclusive: opts.allowInconclusive,
        isolateChecks: !opts.trustChecks,
        allowEmpty: opts.allowEmpty,
      });
      const runId = result.outcome.runId;
      const store = openStore(program.opts().db);
      try {
        const baselineLabel: string = opts.baselineLabel;
        const baseline = await findBaselineRun(store, result.report.suite.name, baselineLabel, runId);
        const diff = baseline ? await buildDiffReport(store, baseline, runId) : null;
        let exitCode = result.exitCode;
        const regressions = diff ? significantRegressions(diff) : [];
        if (opts.failOnRegression && exitCode === EXIT.ok && regressions.length) exitCode = EXIT.barFailed;
        const budget = result.outcome.budget;
        const stopReason = budget?.stopped ? `stopped by --max-cost (spent ${usd(budget.spentUsd)} of ${usd(budget.maxCostUsd)})` : undefined;
        const input: CiInput = {
          report: result.report,
          gate: result.gate,
          exitCode,
          allowInconclusive: Boolean(opts.allowInconclusive),
          baselineLabel,
          diff,
          stopReason,
        };
        if (opts.md) await writeCiComment(input, opts.md, { flips: opts.flips });
        if (opts.json) await writeCiJson(input, opts.json);
        await reportRunEnd([REPORTERS.terminal.create({ write: io.stdout, failures: 3 })], result.report, store);
        if (diff) io.stdout(`\n${renderDiffText(diff, { flips: 3 })}\n`);
        else
          io.stdout(
            `\nno baseline: no completed run of suite ${result.report.suite.name} labelled "${baselineLabel}" is stored; nothing to compare with (the bars still gate)\n`,
          );
        const decision = ciDecision(input);
        io.stdout(`\nverdict: ${decision.verdict} (${decision.headline}): ${decision.reasons.join(' ')}\n`);
        io.stdout(`stored as run ${runId}${opts.label ? ` (label ${opts.label})` : ''}; show it again: evalspec show ${runId}\n`);
        if (result.outcome.fatal) io.stderr(`${result.outcome.fatal.format()}\n`);
        else if (result.outcome.budget?.stopped) io.stderr(`${budgetStopMessage(result.outcome)}\n`);
        else if (result.outcome.status === 'incomplete') io.stderr(`${await incompleteRunAdvice(store, runId)}\n`);
        else if (result.outcome.status === 'cancelled') io.stderr(`${cancelledMessage(result.outcome.runId)}\n`);
        if (!result.gate.pass) io.stderr(`${gateFailureMessage(result.gate, Boolean(opts.allowInconclusive))}\n`);
        if (opts.failOnRegression && regressions.length && result.exitCode === EXIT.ok)
          io.stderr(`${regressions.length} significant regression${regressions.length === 1 ? '' : 's'} against ${baselineLabel} (--fail-on-regression)\n`);
        io.exitCode = exitCode;
      } finally {
        await store.close();
      }
    });
}
