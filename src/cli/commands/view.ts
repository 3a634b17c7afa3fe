// `evalspec view`
import type { Command } from 'commander';
import { Option } from 'commander';
import { networkInterfaces } from 'node:os';
import type { CliIO } from '../cli-io.js';
import { EvalspecError, EXIT } from '../../errors.js';
import { existsSync } from 'node:fs';
import { openStore, type Store } from '../../store/index.js';
import { loadSuite, type Suite } from '../../suite/index.js';
import { startViewer } from '../../viewer/index.js';
import { createPlayground, DEFAULT_MAX_COST_USD } from '../../playground/index.js';
import { analyzeExperiment, offlineLinkFor } from '../../experiment/index.js';

const port = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new EvalspecError('USAGE', `--port must be 0–65535, got "${value}"`, { hint: 'e.g. --port 8080 (0 picks a free port)' });
  return n;
};

const usd = (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new EvalspecError('USAGE', `--playground-max-cost must be a positive number of USD, got "${value}"`, { hint: 'e.g. --playground-max-cost 2.5' });
  return n;
};

/** The machine's non-internal IPv4 addresses, for the LAN URL when bound to every interface. */
function lanAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((a): a is NonNullable<typeof a> => !!a && a.family === 'IPv4' && !a.internal)
    .map((a) => a.address);
}

/**
 * The suites whose monitors the Monitor page shows: the --suite files given (an unreadable one is an error, named),
 * else, per suite with production records, the suite file of its latest stored run when that file still exists.
 */
async function monitoredSuites(files: string[], store: Store, io: CliIO): Promise<Suite[]> {
  if (files.length) return files.map((file) => loadSuite(file));
  const suites: Suite[] = [];
  for (const name of await store.production.suites()) {
    const [run] = await store.runs.list({ suite: name, limit: 1 });
    if (!run || !existsSync(run.suiteFile)) continue;
    try {
      suites.push(loadSuite(run.suiteFile));
    } catch (error) {
      io.stderr(`warning: the Monitor page skips suite "${name}": ${run.suiteFile}: ${(error as Error).message} (give --suite FILE)\n`);
    }
  }
  return suites;
}

export function registerViewCommand(program: Command, io: CliIO): void {
  program
    .command('view')
    .description('open the web viewer over the store: read outputs, compare variants, label, see the curves')
    .addOption(new Option('--port <n>', 'port (default: a free one)').default(0).argParser(port))
    .option(
      '--host <address>',
      'share on a network: bind this address (e.g. 0.0.0.0) and require sign-in (named tokens from `evalspec tokens create`, else a printed one)',
    )
    .option('--labeller <name>', 'name stored with your labels (default: your user name)')
    .option(
      '--suite <file>',
      'a suite file whose monitors the Monitor page shows (repeatable; default: the suite files of stored runs)',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option('--playground', "turn on the Playground: try prompts, models and params on a run's cases through this process (opens the store for writing)")
    .addOption(
      new Option('--playground-max-cost <usd>', "what each session's trials and full runs may spend in all, in USD")
        .default(DEFAULT_MAX_COST_USD)
        .argParser(usd),
    )
    .option(
      '--experiment <file>',
      'an experiment file (exp.yaml) the Experiments page shows (repeatable)',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option('--trust-proxy', 'behind a reverse proxy: count failed sign-ins per X-Forwarded-For client (its last entry), not per proxy')
    .action(async (opts) => {
      // A mistyped experiment path fails now, named, rather than as an entry of the page's list.
      for (const file of opts.experiment as string[])
        if (!existsSync(file))
          throw new EvalspecError('USAGE', `--experiment ${file}: no such file`, { hint: 'give the path of an experiment file (exp.yaml)' });
      const playgroundOn = opts.playground === true;
      // Trials and full runs are stored runs: the playground needs the store writable.
      const store = openStore(program.opts().db, playgroundOn ? {} : { access: 'read' });
      const playground = playgroundOn ? createPlayground({ store, maxCostUsd: opts.playgroundMaxCost as number }) : undefined;
      const experiments = { files: opts.experiment as string[], analyze: (file: string) => analyzeExperiment(file, { offline: offlineLinkFor(store) }) };
      let suites: Suite[];
      try {
        suites = await monitoredSuites(opts.suite as string[], store, io);
      } catch (error) {
        await store.close();
        throw error;
      }
      let viewer;
      try {
        viewer = await startViewer({
          store,
          host: opts.host,
          port: opts.port,
          labeller: opts.labeller,
          trustProxy: opts.trustProxy === true,
          suites,
          playground,
          experiments,
        });
      } catch (error) {
        await store.close();
        throw new EvalspecError('USAGE', `cannot listen on ${opts.host ?? '127.0.0.1'}:${opts.port}: ${(error as Error).message}`, {
          hint: 'pick another --port (0 for a free one) or --host',
          cause: error,
        });
      }
      io.stdout(`evalspec viewer over ${store.location}\n`);
      const wildcard = viewer.host === '0.0.0.0' || viewer.host === '::';
      const hosts = wildcard ? ['127.0.0.1', ...lanAddresses()] : [viewer.url.slice(7, viewer.url.lastIndexOf(':'))];
      if (viewer.auth === 'store') {
        for (const h of hosts) io.stdout(`  open http://${h}:${viewer.port}/login\n`);
        io.stdout('sign in with a named token (evalspec tokens create --name NAME); labels record that name\n');
      } else if (viewer.token) {
        // The link is exchanged once for a session cookie; the token leaves the address bar at once.
        for (const h of hosts) io.stdout(`  open http://${h}:${viewer.port}/?token=${viewer.token}\n`);
        io.stdout(`access token: ${viewer.token}\n(anyone with the token can read every stored output and add labels)\n`);
        io.stdout('for a team, give each person a named token instead: evalspec tokens create --name NAME (then restart the viewer)\n');
      } else {
        io.stdout(`  open ${viewer.url}\n`);
      }
      if (playground) {
        io.stdout(`playground on: model calls go through this process with the suite's provider settings; each session may spend $${opts.playgroundMaxCost}\n`);
      }
      io.stdout('Ctrl-C to stop\n');
      await new Promise<void>((resolve) => {
        if (io.signal?.aborted) return resolve();
        io.signal?.addEventListener('abort', () => resolve(), { once: true });
      });
      await playground?.close();
      await viewer.close();
      await store.close();
      io.exitCode = EXIT.ok;
    });
}
