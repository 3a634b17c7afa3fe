// `evalspec experiment analyze exp.yaml [--json F] [--md F]`: the scorecard of an A/B experiment (exit 0; 1 when
// the sample ratio check fires or a guardrail is not met; 2 bad input). `evalspec experiment plan exp.yaml --mde X`:
// units and days needed for a minimum detectable effect at the observed variance and traffic.
import type { Command } from 'commander';
import { Option } from 'commander';
import { writeFileSync } from 'node:fs';
import type { CliIO } from '../cli-io.js';
import { EXIT, EvalspecError } from '../../errors.js';
import { analyzeExperiment, offlineLinkFor, planExperiment, renderPlanText, renderScorecardMarkdown, renderScorecardText } from '../../experiment/index.js';
import { escapeTerminal } from '../../report/index.js';
import { openStore, storeMayExist } from '../../store/index.js';

const positive = (name: string) => (value: string) => {
  const n = Number(value);
  if (!(n > 0)) throw new EvalspecError('USAGE', `${name} must be a number > 0, got "${value}"`, { hint: `e.g. ${name} 0.02` });
  return n;
};

export function registerExperimentCommand(program: Command, io: CliIO): void {
  const experiment = program
    .command('experiment')
    .description('A/B experiments on an AI feature: the scorecard (effects, SRM, guardrails, segments) and planning');
  experiment
    .command('analyze')
    .description('read exposures and outcomes, print the scorecard (exit 1 when the sample ratio check fires or a guardrail is not met)')
    .argument('<file>', 'the experiment file (exp.yaml)')
    .option('--json <file>', 'also write the scorecard as JSON (formatVersion 1)')
    .option('--md <file>', 'also write the scorecard as Markdown')
    .action(async (file: string, opts: { json?: string; md?: string }) => {
      // The offline link reads the stored runs when there is a store (--db, $EVALSPEC_DB, .evalspec/evalspec.db).
      const db = program.opts().db as string | undefined;
      const store = storeMayExist(db) ? openStore(db, { access: 'read' }) : null;
      let scorecard;
      try {
        scorecard = await analyzeExperiment(file, { offline: offlineLinkFor(store) });
      } finally {
        await store?.close();
      }
      if (opts.json) writeFileSync(opts.json, `${JSON.stringify(scorecard, null, 2)}\n`);
      if (opts.md) writeFileSync(opts.md, renderScorecardMarkdown(scorecard));
      io.stdout(`${renderScorecardText(scorecard)}\n`);
      if (scorecard.verdict === 'blocked' || scorecard.verdict === 'guardrail-failed') io.exitCode = EXIT.barFailed;
    });
  experiment
    .command('plan')
    .description('units and days needed to detect a minimum effect, from the observed variance and traffic')
    .argument('<file>', 'the experiment file (exp.yaml)')
    .requiredOption('--mde <effect>', 'minimum detectable effect: absolute (0.02 = 2 points for a proportion), or relative with --relative', positive('--mde'))
    .option('--relative', 'the MDE is a relative lift (0.05 = +5% of the control mean)')
    .addOption(new Option('--power <power>', 'statistical power').default(0.8).argParser(positive('--power')))
    .option('--json <file>', 'also write the plan as JSON')
    .action(async (file: string, opts: { mde: number; relative?: boolean; power: number; json?: string }) => {
      if (!(opts.power < 1)) throw new EvalspecError('USAGE', `--power must be between 0 and 1, got ${opts.power}`, { hint: 'e.g. --power 0.8' });
      const plan = await planExperiment(file, { mde: opts.mde, relative: opts.relative, power: opts.power });
      if (opts.json) writeFileSync(opts.json, `${JSON.stringify(plan, null, 2)}\n`);
      io.stdout(`${renderPlanText(plan, (t) => escapeTerminal(t))}\n`);
    });
}
