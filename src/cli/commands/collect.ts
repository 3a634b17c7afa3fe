// `evalspec collect`: the production collector (OTLP/HTTP + JSONL receiver, acknowledged after commit) and the online
// scorer in one process (monitor/collect-service.ts). Ctrl-C / SIGTERM: stop accepting, let the scoring batch in flight
// finish (or abandon it: its claims expire and are scored on the next start), print the counts, exit 130 / 143.
import { Option, type Command } from 'commander';
import type { CliIO } from '../cli-io.js';
import { EvalspecError, EXIT, isEvalspecError } from '../../errors.js';
import { alertSentence, runMonitorCycle, startCollectService, type CollectServiceStats } from '../../monitor/index.js';
import { openStore } from '../../store/index.js';
import { loadSuite } from '../../suite/index.js';

const integer = (flag: string, min: number, max: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new EvalspecError('USAGE', `${flag} must be an integer ${min}–${max}, got "${value}"`, { hint: `e.g. ${flag} ${Math.max(min, 1)}` });
  return n;
};

export function statusLine(s: CollectServiceStats, queued: number | null): string {
  return (
    `received ${s.received}, stored ${s.stored}, duplicates ${s.duplicates}, ignored spans ${s.ignoredSpans}, ` +
    `rejected ${s.rejected}, queued ${queued ?? 'unknown'}, scored ${s.scored}`
  );
}

export function registerCollectCommand(program: Command, io: CliIO): void {
  program
    .command('collect')
    .description("receive production traffic (OTLP/HTTP traces, JSONL records) into the store and score it with the suite's monitors")
    .requiredOption('--suite <file>', 'the suite whose production: rules and monitors: apply')
    .addOption(new Option('--port <n>', "port (4318 is OTLP/HTTP's; 0 picks a free one)").default(4318).argParser(integer('--port', 0, 65535)))
    .option('--host <address>', 'listen on this address instead of 127.0.0.1 (requires --token)')
    .option('--token <token>', 'senders must send Authorization: Bearer <token> (default $EVALSPEC_COLLECTOR_TOKEN)')
    .addOption(new Option('--score-concurrency <n>', 'records scored at once').default(4).argParser(integer('--score-concurrency', 1, 256)))
    .addOption(
      new Option('--lease <seconds>', "how long a scoring claim is held: a crashed scorer's records are scored again after it")
        .default(60)
        .argParser(integer('--lease', 1, 3600)),
    )
    .addOption(
      // 5 minutes: drift unfolds over hours, and a cycle re-reads the windows (tens of seconds at 300k records).
      new Option('--cycle-every <seconds>', 'evaluate the monitors (alerts, webhooks) this often; 0: never (`evalspec monitor check` from cron instead)')
        .default(300)
        .argParser(integer('--cycle-every', 0, 86400)),
    )
    .option('--no-score', 'ingest only: leave the queue to another `evalspec collect` or `evalspec ingest`')
    .addOption(new Option('--status-every <seconds>', 'print the status line this often').default(10).argParser(integer('--status-every', 1, 86400)))
    .action(async (opts) => {
      const suite = loadSuite(opts.suite);
      const token: string | undefined = opts.token ?? process.env.EVALSPEC_COLLECTOR_TOKEN;
      const store = openStore(program.opts().db);
      let terminated = false;
      const onTerm = () => (terminated = true);
      process.once('SIGTERM', onTerm);
      try {
        const service = await startCollectService({
          suite,
          store,
          port: opts.port,
          host: opts.host,
          token,
          score: opts.score !== false,
          scoreConcurrency: opts.scoreConcurrency,
          leaseMs: opts.lease * 1000,
          scoreWorker: {
            suiteFile: suite.file,
            storeLocation: program.opts().db,
            cycleEveryMs: opts.cycleEvery * 1000 || undefined,
            onSay: (line) => io.stdout(`${line}\n`),
          },
          onWarning: (w) => io.stderr(`warning: ${w}\n`),
          // The cycle reads whole windows of observations at once (seconds at 100,000s of records): on the scorer's
          // thread it never delays an acknowledgement; an ingest-only node (--no-score) runs it on its own thread.
          onCycle:
            opts.cycleEvery > 0 && suite.monitors.length > 0 && opts.score === false
              ? {
                  everyMs: opts.cycleEvery * 1000,
                  run: async (now) => {
                    const result = await runMonitorCycle(store, suite, { now });
                    for (const a of result.opened) io.stdout(`alert opened: monitor ${a.monitor}: ${alertSentence(a)}\n`);
                    for (const a of result.closed) io.stdout(`alert closed: monitor ${a.monitor}, ${a.metric}\n`);
                    for (const w of result.warnings) io.stderr(`warning: ${w}\n`);
                  },
                }
              : undefined,
        }).catch((error: unknown) => {
          if (!isEvalspecError(error)) {
            throw new EvalspecError('USAGE', `cannot listen on ${opts.host ?? '127.0.0.1'}:${opts.port}: ${(error as Error).message}`, {
              hint: 'pick another --port (0 for a free one) or --host',
              cause: error,
            });
          }
          throw error;
        });
        io.stdout(`evalspec collector for suite "${suite.name}" into ${store.location}\n`);
        io.stdout(`  OTLP/HTTP traces: POST ${service.url}/v1/traces (JSON or protobuf)\n  JSONL records:    POST ${service.url}/v1/records\n`);
        const scoring =
          opts.score === false
            ? 'off (--no-score)'
            : suite.monitors.length
              ? `monitors ${suite.monitors.map((m) => m.name).join(', ')}`
              : 'no monitors in the suite';
        io.stdout(`scoring: ${scoring}\nCtrl-C to stop\n`);

        let last = '';
        const report = async (always: boolean) => {
          const line = statusLine(service.stats(), await service.queueDepth().catch(() => null));
          if (always || line !== last) io.stdout(`status: ${line}\n`);
          last = line;
        };
        const timer = setInterval(() => void report(false), opts.statusEvery * 1000);
        const stopped = new Promise<void>((resolve) => {
          if (io.signal?.aborted) return resolve();
          io.signal?.addEventListener('abort', () => resolve(), { once: true });
        });
        try {
          await Promise.race([stopped, service.failed]);
        } finally {
          clearInterval(timer);
          await service.stop();
        }
        io.stdout(`stopped: ${statusLine(service.stats(), await service.queueDepth().catch(() => null))}\n`);
        io.exitCode = terminated ? EXIT.terminated : EXIT.cancelled;
      } finally {
        process.off('SIGTERM', onTerm);
        await store.close();
      }
    });
}
