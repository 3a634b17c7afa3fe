// `evalspec run`
import type { Command } from 'commander';
import type { CliIO } from '../cli-io.js';
import { Option } from 'commander';
import { openStore } from '../../store/index.js';
import { againstText, incompleteRunAdvice, REPORTERS, reportRunEnd } from '../../report/index.js';
import { positiveInt } from '../options.js';
import { addPlanOverrideOptions, runSuiteWithProgress } from '../run-options.js';
import { addReportFileOptions, reportFileOptions } from '../report-options.js';
import { dryRunAction, budgetStopMessage, nonNegativeUsd, cancelledMessage } from '../budget-options.js';
import { gateFailureMessage } from './gate.js';
import { addDistributedOptions, distributedRunOptions, printFinishedRun } from '../run-distributed.js';

export function registerRunCommand(program: Command, io: CliIO): void {
  const command = program
    .command('run')
    .description('run a suite: call every case on every model, score, store, report')
    .argument('[suite]', 'suite file or directory (optional with --resume)');
  addReportFileOptions(command)
    .option('--label <name>', 'label the run (e.g. main) so later runs can compare with it')
    .option('--no-cache', 'call providers even when an identical call is cached')
    .option('--resume <runId>', 'finish an interrupted run without re-calling completed cases')
    .option(
      '--against <runId|latest>',
      "compare with a stored run: plan the selected models/prompts and that run's variants on its cases, reusing its unchanged results (latest: the suite's newest completed run that is not a try or playground run)",
    );
  addPlanOverrideOptions(command)
    .option('--no-progress', 'no progress output')
    .option('--failures <n>', 'failing cases to show per variant', '3')
    .option('--dry-run', 'estimate cost and duration (tokenizer-counted input, expected output) without calling any provider')
    .addOption(
      new Option(
        '--expected-output-tokens <n>',
        'output tokens per call assumed by --dry-run and --max-cost (default 256; a previous run replaces it in --dry-run)',
      ).argParser(positiveInt('--expected-output-tokens')),
    )
    .addOption(
      new Option('--max-cost <usd>', 'stop cleanly before spend would pass this many USD (exit 3; --resume continues)').argParser(nonNegativeUsd('--max-cost')),
    )
    .option('--allow-inconclusive', 'quality bars that are not proven (inconclusive) do not fail the run')
    .option('--isolate-checks', 'run javascript checks isolated: no environment variables, no import/require, no module checks (the default of `evalspec ci`)')
    .option('--allow-empty', 'run (and record) a suite with no cases instead of refusing it (exit 2)');
  addDistributedOptions(command).action(async (suitePath: string | undefined, opts) => {
    if (opts.dryRun) return dryRunAction(program, io, suitePath, opts);
    const distributed = await distributedRunOptions(program, io, opts);
    // --attach to a run that ended meanwhile: its stored report, as `show` prints it.
    if (distributed.finished) return printFinishedRun(program, io, distributed.finished, opts);
    const result = await runSuiteWithProgress(program, io, suitePath, opts, {
      ...distributed.own,
      resume: distributed.own.resume ?? opts.resume,
      ...reportFileOptions(opts),
      maxCostUsd: opts.maxCost,
      expectedOutputTokens: opts.expectedOutputTokens,
      allowInconclusive: opts.allowInconclusive,
      isolateChecks: Boolean(opts.isolateChecks),
      allowEmpty: opts.allowEmpty,
      against: opts.against,
    });
    const store = openStore(program.opts().db);
    let advice = '';
    try {
      await reportRunEnd([REPORTERS.terminal.create({ write: io.stdout, failures: Number(opts.failures) })], result.report, store);
      if (result.againstRunId) io.stdout(`\n${againstText(result.againstRunId, result.outcome.counts)}`);
      io.stdout(`\nstored in ${store.location} as run ${result.outcome.runId}; show it again: evalspec show ${result.outcome.runId}\n`);
      if (result.outcome.status === 'incomplete') advice = await incompleteRunAdvice(store, result.outcome.runId);
    } finally {
      await store.close();
    }
    if (result.outcome.fatal) io.stderr(`${result.outcome.fatal.format()}\n`);
    else if (result.outcome.budget?.stopped) io.stderr(`${budgetStopMessage(result.outcome)}\n`);
    else if (result.outcome.status === 'incomplete') io.stderr(`${advice}\n`);
    else if (result.outcome.status === 'cancelled') io.stderr(`${cancelledMessage(result.outcome.runId)}\n`);
    if (!result.gate.pass) io.stderr(`${gateFailureMessage(result.gate, Boolean(opts.allowInconclusive))}\n`);
    io.exitCode = result.exitCode;
  });
}
