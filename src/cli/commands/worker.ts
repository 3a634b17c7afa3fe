// `evalspec worker`: on any number of machines, take the jobs of distributed runs from the team store's queue,
// call, score and store their items (docs/team.md, "Distributed runs"). Runs until interrupted (Ctrl-C, SIGTERM):
// the jobs in hand stop, their unstored items go back to the queue; with --exit-when-idle, also once it has held
// no job for that long (exit 0: a CI fleet's workers end with the run).
import { Option, type Command } from 'commander';
import type { CliIO } from '../cli-io.js';
import { openStore, storeLocation } from '../../store/index.js';
import { requireTeamStore, startWorker } from '../../distribute/index.js';
import { terminateUserCode } from '../../user-code/index.js';
import { positiveInt } from '../options.js';

export function registerWorkerCommand(program: Command, io: CliIO): void {
  program
    .command('worker')
    .description('work on distributed runs (run --distributed): take jobs from the team store, call, score, store; until interrupted')
    .addOption(new Option('--concurrency <n>', 'calls in flight in this worker').argParser(positiveInt('--concurrency')).default(16))
    .addOption(
      new Option('--exit-when-idle <seconds>', 'exit (0) once no job has been held for this long: workers of a CI fleet end with the run').argParser(
        positiveInt('--exit-when-idle'),
      ),
    )
    .action(async (opts) => {
      const url = storeLocation(program.opts().db);
      const store = openStore(url);
      try {
        requireTeamStore(store, '`evalspec worker`');
        await store.migrations(); // connects: a wrong URL is a STORE error before the queue starts
        const idleS: number | undefined = opts.exitWhenIdle;
        const worker = await startWorker({
          store,
          url,
          concurrency: opts.concurrency,
          log: (line) => io.stderr(`${line}\n`),
          exitWhenIdleMs: idleS === undefined ? undefined : idleS * 1000,
        });
        const until = idleS === undefined ? 'Ctrl-C stops' : `exits after ${idleS} s without a job, or Ctrl-C`;
        io.stderr(`worker: waiting for jobs in ${store.location} (concurrency ${opts.concurrency}); ${until}\n`);
        await new Promise<void>((resolve) => {
          if (io.signal?.aborted) resolve();
          io.signal?.addEventListener('abort', () => resolve(), { once: true });
          void worker.idle.then(() => {
            io.stderr(`worker: no job for ${idleS} s: exiting\n`);
            resolve();
          });
        });
        await worker.stop();
        terminateUserCode();
      } finally {
        await store.close();
      }
    });
}
