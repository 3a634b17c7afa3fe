// The command line: parses flags and calls the library. No logic of its own beyond wiring and exit codes.
import { Command, Option } from 'commander';
import { EXIT, EvalspecError } from '../errors.js';
import { runSuite } from '../pipeline.js';
import { openStore } from '../store/index.js';
import { buildRunReport, renderTerminalReport, writeJsonReport, writeJunitReport, writeMarkdownReport, textTable, pct, usd } from '../report/index.js';
import { createProgress } from './progress.js';
import { scaffoldSuite } from './init.js';

export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Set by a command; main() exits with it. */
  exitCode: number;
  signal?: AbortSignal;
  progressStream?: NodeJS.WriteStream;
}

const positiveInt = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new EvalspecError('USAGE', `${name} must be a positive whole number, got "${value}"`, { hint: `e.g. ${name} 8` });
  return n;
};

export function createProgram(io: CliIO): Command {
  const program = new Command('evalspec')
    .description('The eval suite is the product spec: run, score, store and decide with confidence intervals.')
    .version('0.1.0')
    .option('--db <path>', 'store location (default .evalspec/evalspec.db, or $EVALSPEC_DB)')
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride()
    .showSuggestionAfterError(true);

  program
    .command('init')
    .description('scaffold a commented example suite that runs offline')
    .argument('[dir]', 'where to create it', 'my-suite')
    .action((dir: string) => {
      const files = scaffoldSuite(dir);
      io.stdout(`created ${files.length} files in ${dir}:\n${files.map((f) => `  ${f}`).join('\n')}\n\nnext: npx evalspec run ${dir}/evalspec.yaml\n`);
    });

  program
    .command('run')
    .description('run a suite: call every case on every model, score, store, report')
    .argument('[suite]', 'suite file or directory (optional with --resume)')
    .option('--json <file>', 'write the JSON report (formatVersion 1)')
    .option('--junit <file>', 'write a JUnit XML report')
    .option('--md <file>', 'write a Markdown summary for a pull-request comment')
    .option('--label <name>', 'label the run (e.g. main) so later runs can compare with it')
    .option('--no-cache', 'call providers even when an identical call is cached')
    .option('--resume <runId>', 'finish an interrupted run without re-calling completed cases')
    .addOption(new Option('--concurrency <n>', 'override the suite concurrency').argParser(positiveInt('--concurrency')))
    .addOption(new Option('--repeat <n>', 'override the suite repeat count').argParser(positiveInt('--repeat')))
    .option('--model <label...>', 'only these models (labels or provider:model refs)')
    .option('--no-progress', 'no progress output')
    .option('--failures <n>', 'failing cases to show per variant', '3')
    .action(async (suitePath: string | undefined, opts) => {
      const progress = createProgress({ enabled: opts.progress, stream: io.progressStream });
      let result;
      try {
        result = await runSuite(suitePath, {
          db: program.opts().db,
          label: opts.label,
          cache: opts.cache,
          resume: opts.resume,
          concurrency: opts.concurrency,
          repeat: opts.repeat,
          models: opts.model,
          signal: io.signal,
          onEvent: (e) => progress.onEvent(e),
          json: opts.json,
          junit: opts.junit,
          md: opts.md,
        });
      } finally {
        progress.stop();
      }
      const store = openStore(program.opts().db);
      try {
        io.stdout(`${await renderTerminalReport(store, result.report, { failures: Number(opts.failures) })}\n`);
        io.stdout(`\nstored in ${store.location} as run ${result.outcome.runId}; show it again: evalspec show ${result.outcome.runId}\n`);
      } finally {
        await store.close();
      }
      if (result.outcome.fatal) io.stderr(`${result.outcome.fatal.format()}\n`);
      else if (result.outcome.status === 'incomplete') io.stderr(`run incomplete: some calls are still in error after retries; finish them with: evalspec run --resume ${result.outcome.runId}\n`);
      else if (result.outcome.status === 'cancelled') io.stderr(`cancelled: finished results are stored; continue with: evalspec run --resume ${result.outcome.runId}\n`);
      io.exitCode = result.exitCode;
    });

  program
    .command('runs')
    .description('list stored runs, newest first')
    .option('--suite <name>', 'only runs of this suite')
    .option('--label <name>', 'only runs with this label')
    .addOption(new Option('--limit <n>', 'how many').default(20).argParser(positiveInt('--limit')))
    .option('--json', 'print JSON')
    .action(async (opts) => {
      const store = openStore(program.opts().db);
      try {
        const runs = await store.runs.list({ suite: opts.suite, label: opts.label, limit: opts.limit });
        if (opts.json) {
          io.stdout(`${JSON.stringify(runs.map(({ config: _c, ...r }) => r), null, 2)}\n`);
          return;
        }
        if (runs.length === 0) {
          io.stdout(`no runs in ${store.location}\n`);
          return;
        }
        const rows = [];
        for (const run of runs) {
          const report = await buildRunReport(store, run.id);
          const best = report.variants.map((v) => `${v.id} ${pct(v.passRate)}`).join(', ');
          const cost = report.variants.every((v) => v.costUsd !== null) ? usd(report.variants.reduce((s, v) => s + (v.costUsd ?? 0), 0)) : 'n/a';
          rows.push([run.id, run.suiteName, run.label ?? '', run.status, run.startedAt.slice(0, 16).replace('T', ' '), best, cost]);
        }
        io.stdout(`${textTable(['run', 'suite', 'label', 'status', 'started (UTC)', 'pass rates', 'cost'], rows)}\n`);
      } finally {
        await store.close();
      }
    });

  program
    .command('show')
    .description('print a stored run again (and write its reports)')
    .argument('<runId>', 'a run id from `evalspec runs`')
    .option('--json <file>', 'write the JSON report')
    .option('--junit <file>', 'write a JUnit XML report')
    .option('--md <file>', 'write a Markdown summary')
    .option('--failures <n>', 'failing cases to show per variant', '5')
    .action(async (runId: string, opts) => {
      const store = openStore(program.opts().db);
      try {
        const report = await buildRunReport(store, runId);
        if (opts.json) await writeJsonReport(store, report, opts.json);
        if (opts.junit) await writeJunitReport(store, runId, opts.junit);
        if (opts.md) await writeMarkdownReport(store, report, opts.md);
        io.stdout(`${await renderTerminalReport(store, report, { failures: Number(opts.failures) })}\n`);
        io.exitCode = report.status === 'completed' ? EXIT.ok : EXIT.incomplete;
      } finally {
        await store.close();
      }
    });

  return program;
}
