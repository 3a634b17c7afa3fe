// The flags `evalspec run` and `evalspec ci` share, and what runSuite() takes from them: defined once so the
// two commands cannot drift apart (same names, same help, same parsing).
import { Option, type Command, type OptionValues } from 'commander';
import { runSuite, type RunSuiteOptions, type RunSuiteResult } from '../pipeline.js';
import type { CliIO } from './cli-io.js';
import { createProgress, type Progress } from './progress.js';
import { positiveInt } from './options.js';
import { SUITE_PARTS } from '../suite/index.js';

/** --concurrency, --repeat, --model and --prompt: what narrows or widens the plan of a run. */
export function addPlanOverrideOptions(command: Command): Command {
  return command
    .addOption(new Option('--concurrency <n>', 'override the suite concurrency').argParser(positiveInt('--concurrency')))
    .addOption(new Option('--repeat <n>', 'override the suite repeat count').argParser(positiveInt('--repeat')))
    .option('--model <label...>', 'only these models (labels or provider:model refs; a provider:model the suite lacks, on one of its providers, is added)')
    .option('--prompt <id...>', 'only these prompt ids (variant ids stay label/promptId)')
    .option('--stream', "stream network models' answers and record time to first token (default: the suite's stream:)")
    .addOption(
      new Option('--suite-part <part>', "which cases: the suite's cases:, the red-team cases `evalspec redteam generate` wrote, or all").choices([
        ...SUITE_PARTS,
      ]),
    );
}

/** The runSuite() options both commands pass alike: store, label, cache, plan overrides, cancel and progress. */
function sharedRunSuiteOptions(program: Command, io: CliIO, opts: OptionValues, progress: Progress): RunSuiteOptions {
  return {
    db: program.opts().db,
    label: opts.label,
    cache: opts.cache,
    concurrency: opts.concurrency,
    repeat: opts.repeat,
    models: opts.model,
    prompts: opts.prompt,
    part: opts.suitePart,
    stream: opts.stream,
    signal: io.signal,
    onEvent: (e) => progress.onEvent(e),
  };
}

/** runSuite() with the progress display for its duration: the options both commands share, plus the command's own. */
export async function runSuiteWithProgress(
  program: Command,
  io: CliIO,
  suitePath: string | undefined,
  opts: OptionValues,
  own: RunSuiteOptions,
): Promise<RunSuiteResult> {
  const progress = createProgress({ enabled: opts.progress, stream: io.progressStream });
  try {
    return await runSuite(suitePath, { ...sharedRunSuiteOptions(program, io, opts, progress), ...own });
  } finally {
    progress.stop();
  }
}
