// `evalspec calibrate RUN_ID`: compare each judge of a run with the run's human labels (agreement, Cohen's
// kappa, confusion matrix, false-pass / false-fail rates, the threshold that meets --max-false-pass), store
// the result so the judge's agreement is shown whenever it is used.
// `evalspec calibrate --monitor M SUITE`: the same figures for a production monitor's judge checks against the
// labels given to its records in the viewer (not stored: the stored calibrations are per run).
import type { Command } from 'commander';
import { Option } from 'commander';
import { writeFileSync } from 'node:fs';
import type { CliIO } from '../cli-io.js';
import { EvalspecError } from '../../errors.js';
import { openStore } from '../../store/index.js';
import { calibrateProduction, calibrateRun, renderCalibration } from '../../calibration/index.js';
import { loadSuite } from '../../suite/index.js';

const rateOption = (name: string) => (value: string) => {
  const n = Number(value);
  if (!(n > 0 && n < 1)) throw new EvalspecError('USAGE', `${name} must be a rate between 0 and 1, got "${value}"`, { hint: `e.g. ${name} 0.05` });
  return n;
};

export function registerCalibrateCommand(program: Command, io: CliIO): void {
  program
    .command('calibrate')
    .description("compare a run's judges (or a production monitor's) with human labels: agreement, kappa, false-pass / false-fail rates, a threshold")
    .argument('<runId>', 'a run with judge checks and imported labels (evalspec labels import), or latest; with --monitor: the suite file')
    .option(
      '--monitor <name>',
      "calibrate this production monitor's judge checks on the labels given to its records in the viewer (the argument is then the suite)",
    )
    .addOption(
      new Option('--max-false-pass <rate>', 'target false-pass rate for the recommended threshold').default(0.05).argParser(rateOption('--max-false-pass')),
    )
    .addOption(new Option('--level <level>', 'confidence level of the intervals').default(0.95).argParser(rateOption('--level')))
    .option('--labeller <name...>', 'only labels by these labellers')
    .option('--metric <name...>', 'only these metrics (rubric dimensions are metrics)')
    .option('--json <file>', 'also write the calibration as JSON')
    .option('--no-save', 'do not store the calibration')
    .action(async (runId: string, opts) => {
      if (opts.monitor) {
        const suite = loadSuite(runId);
        const store = openStore(program.opts().db, { access: 'read' });
        try {
          const result = await calibrateProduction(store, suite, opts.monitor, {
            maxFalsePass: opts.maxFalsePass,
            level: opts.level,
            labellers: opts.labeller,
            metrics: opts.metric,
          });
          if (opts.json) writeFileSync(opts.json, `${JSON.stringify(result, null, 2)}\n`);
          io.stdout(`${renderCalibration(result)}\n`);
        } finally {
          await store.close();
        }
        return;
      }
      const store = openStore(program.opts().db);
      try {
        // "latest" as in show and select: the newest stored run.
        if (runId === 'latest') {
          const [latest] = await store.runs.list({ limit: 1 });
          if (!latest) throw new EvalspecError('RUN_NOT_FOUND', `no runs in ${store.location}`, { hint: 'run a suite first: evalspec run SUITE' });
          runId = latest.id;
        }
        const result = await calibrateRun(store, runId, {
          maxFalsePass: opts.maxFalsePass,
          level: opts.level,
          labellers: opts.labeller,
          metrics: opts.metric,
          store: opts.save,
        });
        if (opts.json) writeFileSync(opts.json, `${JSON.stringify(result, null, 2)}\n`);
        io.stdout(`${renderCalibration(result)}\n`);
        if (opts.save && result.judges.some((j) => !j.code)) io.stdout(`\nstored: future runs that use these judges show their agreement with humans\n`);
      } finally {
        await store.close();
      }
    });
}
