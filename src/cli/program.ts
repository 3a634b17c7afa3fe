// The command line: parses flags and calls the library. Each command lives in commands/<name>.ts and only
// wires flags to library calls and exit codes.
//
// Only the module of the command being run is loaded (all of them for help, or a name that is no command):
// loading every command loaded the whole library (the AI SDK, the job queue, OpenTelemetry), ~45 MB and
// ~0.25 s that `show`, `diff` or `runs` never use (issue #22).
import { Command } from 'commander';
import { VERSION } from '../version.js';
import type { CliIO } from './cli-io.js';

type Register = (program: Command, io: CliIO) => void;

/** Each command's registration, by name, in the order help lists them (commands/<name>.ts registers `name`). */
const COMMANDS = {
  init: async () => (await import('./commands/init.js')).registerInitCommand,
  run: async () => (await import('./commands/run.js')).registerRunCommand,
  try: async () => (await import('./commands/try.js')).registerTryCommand,
  worker: async () => (await import('./commands/worker.js')).registerWorkerCommand,
  runs: async () => (await import('./commands/runs.js')).registerRunsCommand,
  show: async () => (await import('./commands/show.js')).registerShowCommand,
  labels: async () => (await import('./commands/labels.js')).registerLabelsCommand,
  calibrate: async () => (await import('./commands/calibrate.js')).registerCalibrateCommand,
  select: async () => (await import('./commands/select.js')).registerSelectCommand,
  gate: async () => (await import('./commands/gate.js')).registerGateCommand,
  plan: async () => (await import('./commands/plan.js')).registerPlanCommand,
  pairwise: async () => (await import('./commands/pairwise.js')).registerPairwiseCommand,
  view: async () => (await import('./commands/view.js')).registerViewCommand,
  diff: async () => (await import('./commands/diff.js')).registerDiffCommand,
  history: async () => (await import('./commands/history.js')).registerHistoryCommand,
  ci: async () => (await import('./commands/ci.js')).registerCiCommand,
  doctor: async () => (await import('./commands/doctor.js')).registerDoctorCommand,
  store: async () => (await import('./commands/store.js')).registerStoreCommand,
  tokens: async () => (await import('./commands/tokens.js')).registerTokensCommand,
  collect: async () => (await import('./commands/collect.js')).registerCollectCommand,
  ingest: async () => (await import('./commands/ingest.js')).registerIngestCommand,
  promote: async () => (await import('./commands/promote.js')).registerPromoteCommand,
  monitor: async () => (await import('./commands/monitor.js')).registerMonitorCommand,
  experiment: async () => (await import('./commands/experiment.js')).registerExperimentCommand,
  import: async () => (await import('./commands/import.js')).registerImportCommand,
  spec: async () => (await import('./commands/spec.js')).registerSpecCommand,
  redteam: async () => (await import('./commands/redteam.js')).registerRedteamCommand,
} satisfies Record<string, () => Promise<Register>>;

type CommandName = keyof typeof COMMANDS;

/** Every command's name, in help's order. */
export const COMMAND_NAMES = Object.keys(COMMANDS) as CommandName[];

/** The command an argument list runs: its first word that is not an option (or the value of --db). */
export function commandOf(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i];
    if (token === '--db') i++;
    else if (!token.startsWith('-')) return token;
  }
  return undefined;
}

/** The program with the command `argv` names registered, or every command when it names none (help, a typo). */
export async function createProgram(io: CliIO, argv: readonly string[] = []): Promise<Command> {
  const program = new Command('evalspec')
    .description('The eval suite is the product spec: run, score, store and decide with confidence intervals.')
    .version(VERSION)
    .option(
      '--db <path|url>',
      'store: a SQLite file, or postgres://USER:PASSWORD@HOST/DB for the team store (default $EVALSPEC_DB, else .evalspec/evalspec.db)',
    )
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride()
    .showSuggestionAfterError(true);

  const name = commandOf(argv);
  const names = name !== undefined && Object.hasOwn(COMMANDS, name) ? [name as CommandName] : COMMAND_NAMES;
  const registers = await Promise.all(names.map((n) => COMMANDS[n]()));
  for (const register of registers) register(program, io);
  return program;
}
