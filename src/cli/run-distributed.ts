// What `run --distributed` and `run --attach RUN_ID` add to `run` (docs/team.md, "Distributed runs"): the checks,
// the coordinator given to runSuite, and --attach's wait for a run whose coordinating process is alive.
import { Option, type Command, type OptionValues } from 'commander';
import { EvalspecError, EXIT } from '../errors.js';
import { coordinatorRole, DEFAULT_BATCH_ITEMS, DEFAULT_LEASE_SECONDS, requireTeamStore, unsettledJobsOf } from '../distribute/index.js';
import type { RunSuiteOptions } from '../pipeline.js';
import { leaseIsLive, openStore, storeLocation } from '../store/index.js';
import { buildRunReport, fileReporters, REPORTERS, reportRunEnd } from '../report/index.js';
import type { CliIO } from './cli-io.js';
import { reportFileOptions } from './report-options.js';
import { positiveInt } from './options.js';

export function addDistributedOptions(command: Command): Command {
  return command
    .option('--distributed', 'enqueue the run in the team store for `evalspec worker` processes; this process works too and prints the report at the end')
    .option('--attach <runId>', 'wait for a distributed run to finish (finishing it if its first process died) and print its report')
    .option('--no-work', 'with --distributed / --attach: only enqueue and wait, make no calls here')
    .addOption(
      new Option(
        '--lease-seconds <s>',
        `with --distributed: a job whose worker has not renewed its lease for this long (a dead worker's) is handed to another (default ${DEFAULT_LEASE_SECONDS})`,
      )
        .argParser(positiveInt('--lease-seconds'))
        .default(DEFAULT_LEASE_SECONDS),
    )
    .addOption(
      new Option('--batch <items>', `with --distributed: work items per job (default ${DEFAULT_BATCH_ITEMS})`)
        .argParser(positiveInt('--batch'))
        .default(DEFAULT_BATCH_ITEMS),
    );
}

/**
 * The runSuite() options of a distributed run (or {} for a plain one). For --attach: waits while the run's
 * coordinating process is alive; `finished` when the run ended meanwhile (then `show` its report), otherwise the
 * options resume it here: wait for the jobs still queued, then the judge phase and the status.
 */
export async function distributedRunOptions(program: Command, io: CliIO, opts: OptionValues): Promise<{ finished?: string; own: RunSuiteOptions }> {
  if (!opts.distributed && !opts.attach) {
    if (opts.resume) await refuseResumeWithQueuedJobs(program, opts.resume);
    return { own: {} };
  }
  if (opts.maxCost !== undefined && opts.attach) {
    throw new EvalspecError('USAGE', '--max-cost with --attach: the budget of a distributed run is set when it starts (`run --distributed --max-cost`)', {
      exitCode: EXIT.invalidInput,
      hint: `attach without --max-cost: \`evalspec run --attach ${opts.attach}\` (its workers keep the run's budget)`,
    });
  }
  if (opts.resume && opts.distributed) {
    throw new EvalspecError('USAGE', '--resume and --distributed cannot be combined yet', {
      exitCode: EXIT.invalidInput,
      hint: `finish the run in one process with \`evalspec run --resume ${opts.resume}\`, or wait for a distributed run with \`evalspec run --attach ${opts.resume}\``,
    });
  }
  const url = storeLocation(program.opts().db);
  const store = openStore(url);
  let resume: string | undefined;
  try {
    requireTeamStore(store, opts.attach ? '`run --attach`' : '`run --distributed`');
    if (opts.attach) {
      for (;;) {
        const run = await store.runs.get(opts.attach);
        if (!run) throw new EvalspecError('RUN_NOT_FOUND', `no run ${opts.attach} in ${store.location}`, { hint: 'list runs with `evalspec runs`' });
        if (run.status !== 'started') return { finished: run.id, own: {} };
        const lease = await store.leases.get(run.id);
        if (!lease || !leaseIsLive(lease, Date.now())) break; // nobody finishes it: this process will
        if (io.signal?.aborted) throw new EvalspecError('USAGE', `stopped waiting for run ${run.id}`, { exitCode: EXIT.cancelled });
        await new Promise((r) => setTimeout(r, 1000));
      }
      resume = opts.attach;
    }
  } finally {
    await store.close();
  }
  const log = (line: string) => io.stderr(`${line}\n`);
  // The progress of a distributed run: what the store holds, every 5 s (the calls are made in other processes).
  let lastProgress = 0;
  const onProgress = (stored: number, total: number) => {
    if (opts.progress === false || Date.now() - lastProgress < 5000) return;
    lastProgress = Date.now();
    log(`${stored}/${total} results stored`);
  };
  return {
    own: {
      resume,
      distributed: (plan, runStore) =>
        coordinatorRole(plan, {
          store: runStore,
          url,
          enqueue: !resume,
          concurrency: opts.work === false ? 0 : (opts.concurrency ?? plan.suite.concurrency),
          leaseSeconds: opts.leaseSeconds,
          batchItems: opts.batch,
          cache: opts.cache !== false,
          isolateChecks: Boolean(opts.isolateChecks),
          log,
          onProgress,
          // One cap for the whole run, leased per job by whichever worker calls (distribute/shared-cost.ts).
          maxCostUsd: opts.maxCost,
          expectedOutputTokens: opts.expectedOutputTokens,
        }),
    },
  };
}

/** --attach to a run that has ended: its stored report (the report files too), as `show` prints it. */
export async function printFinishedRun(program: Command, io: CliIO, runId: string, opts: OptionValues): Promise<void> {
  const store = openStore(program.opts().db, { access: 'read' });
  try {
    const report = await buildRunReport(store, runId);
    const terminal = REPORTERS.terminal.create({ write: io.stdout, failures: Number(opts.failures) });
    await reportRunEnd([...fileReporters(reportFileOptions(opts)), terminal], report, store);
    io.stdout(`\nstored in ${store.location} as run ${runId}; show it again: evalspec show ${runId}\n`);
    io.exitCode = report.status === 'completed' ? EXIT.ok : EXIT.incomplete;
  } finally {
    await store.close();
  }
}

/**
 * A resume does not look at the queue: while jobs of a distributed run are queued or held by workers, a worker and
 * the resume could call the same item. Refused until they settle (the lease check comes after, in the run).
 */
async function refuseResumeWithQueuedJobs(program: Command, runId: string): Promise<void> {
  const url = storeLocation(program.opts().db);
  const store = openStore(url);
  const shared = store.capabilities.sharedAcrossHosts; // only the team store has a queue
  await store.close();
  if (!shared) return;
  const left = await unsettledJobsOf(url, runId).catch(() => 0); // an unreachable store is the run's own STORE error
  if (left === 0) return;
  throw new EvalspecError(
    'RUN_LOCKED',
    `run ${runId} is a distributed run with ${left} jobs still queued or held by workers; a resume now could call their items twice`,
    {
      exitCode: EXIT.invalidInput,
      hint: `wait for it with \`evalspec run --attach ${runId}\` (it finishes the run), or resume once its jobs are done`,
    },
  );
}
