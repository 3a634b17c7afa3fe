// The command line: parses flags and calls the library. Each command lives in commands/<name>.ts and only
// wires flags to library calls and exit codes.
import { Command } from 'commander';
import { registerInitCommand } from './commands/init.js';
import { registerRunCommand } from './commands/run.js';
import { registerTryCommand } from './commands/try.js';
import { registerRunsCommand } from './commands/runs.js';
import { registerShowCommand } from './commands/show.js';
import { registerLabelsCommand } from './commands/labels.js';
import { registerCalibrateCommand } from './commands/calibrate.js';
import { registerSelectCommand } from './commands/select.js';
import { registerGateCommand } from './commands/gate.js';
import { registerPlanCommand } from './commands/plan.js';
import { registerPairwiseCommand } from './commands/pairwise.js';
import { registerViewCommand } from './commands/view.js';
import { registerDiffCommand } from './commands/diff.js';
import { registerHistoryCommand } from './commands/history.js';
import { registerCiCommand } from './commands/ci.js';
import { registerDoctorCommand } from './commands/doctor.js';
import { registerStoreCommand } from './commands/store.js';
import { registerTokensCommand } from './commands/tokens.js';
import { registerWorkerCommand } from './commands/worker.js';
import { registerCollectCommand } from './commands/collect.js';
import { registerIngestCommand } from './commands/ingest.js';
import { registerPromoteCommand } from './commands/promote.js';
import { registerMonitorCommand } from './commands/monitor.js';
import { registerExperimentCommand } from './commands/experiment.js';
import { registerRedteamCommand } from './commands/redteam.js';
import { VERSION } from '../version.js';
import type { CliIO } from './cli-io.js';

export function createProgram(io: CliIO): Command {
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

  registerInitCommand(program, io);
  registerRunCommand(program, io);
  registerTryCommand(program, io);
  registerWorkerCommand(program, io);
  registerRunsCommand(program, io);
  registerShowCommand(program, io);
  registerLabelsCommand(program, io);
  registerCalibrateCommand(program, io);
  registerSelectCommand(program, io);
  registerGateCommand(program, io);
  registerPlanCommand(program, io);
  registerPairwiseCommand(program, io);
  registerViewCommand(program, io);
  registerDiffCommand(program, io);
  registerHistoryCommand(program, io);
  registerCiCommand(program, io);
  registerDoctorCommand(program, io);
  registerStoreCommand(program, io);
  registerTokensCommand(program, io);
  registerCollectCommand(program, io);
  registerIngestCommand(program, io);
  registerPromoteCommand(program, io);
  registerMonitorCommand(program, io);
  registerExperimentCommand(program, io);
  registerRedteamCommand(program, io);
  return program;
}
