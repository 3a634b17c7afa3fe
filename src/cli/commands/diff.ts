// `evalspec diff RUN_A RUN_B` (before, after) or `evalspec diff RUN --baseline main`: what changed between two
// runs, per variant, metric and segment, with paired intervals and Holm-adjusted p-values, and the flipped
// cases with both outputs. Exit 0; with --fail-on-regression, 1 when a figure got significantly worse.
import type { Command } from 'commander';
import { Option } from 'commander';
import type { CliIO } from '../cli-io.js';
import { EXIT, EvalspecError } from '../../errors.js';
import { openStore } from '../../store/index.js';
import { buildDiffReport, renderDiffText, resolveRun, significantRegressions, writeDiffJson, writeDiffMarkdown } from '../../report/index.js';
import { findBaselineRun } from '../../analysis/index.js';
import { positiveInt } from '../options.js';

export function registerDiffCommand(program: Command, io: CliIO): void {
  program
    .command('diff')
    .description('what changed between two runs and whether it is real: paired differences per variant, metric and segment, flipped cases')
    .argument('<runs...>', 'RUN_A RUN_B (before, after), or one RUN with --baseline LABEL; "latest" names the newest run')
    .option('--baseline <label>', 'compare RUN with the latest completed run of its suite with this label (e.g. main)')
    .option('--json <file>', 'write the diff as JSON (full outputs of every flipped case)')
    .option('--md <file>', 'write the diff as Markdown')
    .addOption(new Option('--flips <n>', 'flipped cases shown per kind and variant').argParser(positiveInt('--flips')).default(5))
    .option('--metric <name...>', 'only these metrics besides pass_rate (score or check metrics)')
    .option('--fail-on-regression', 'exit 1 when a metric or segment got significantly worse (Holm-adjusted)')
    .action(async (refs: string[], opts) => {
      const store = openStore(program.opts().db, { access: 'read' });
      try {
        let beforeRef: string;
        let afterRef: string;
        if (opts.baseline !== undefined) {
          if (refs.length !== 1)
            throw new EvalspecError('USAGE', `--baseline takes one run, got ${refs.length}`, {
              hint: 'evalspec diff RUN --baseline main, or evalspec diff RUN_A RUN_B',
            });
          const after = await resolveRun(store, refs[0]);
          const before = await findBaselineRun(store, after.suiteName, opts.baseline, after.id);
          if (!before) {
            throw new EvalspecError(
              'RUN_NOT_FOUND',
              `no completed run of suite ${after.suiteName} labelled "${opts.baseline}" other than ${after.id} in ${store.location}`,
              {
                hint: `label a baseline run: evalspec run SUITE --label ${opts.baseline}`,
              },
            );
          }
          beforeRef = before.id;
          afterRef = after.id;
        } else {
          if (refs.length !== 2)
            throw new EvalspecError('USAGE', `diff needs two runs (before, after), got ${refs.length}`, {
              hint: 'evalspec diff RUN_A RUN_B, or evalspec diff RUN --baseline main',
            });
          [beforeRef, afterRef] = refs;
          // "latest latest" (or the same id twice) compares a run with itself: every figure would read "no change".
          const [before, after] = [await resolveRun(store, beforeRef), await resolveRun(store, afterRef)];
          if (before.id === after.id) {
            const named = refs.map((r) => (r === before.id ? r : `${r} (= ${before.id})`)).join(' and ');
            throw new EvalspecError('USAGE', `${named} name the same run: a run compared with itself shows no change`, {
              hint: 'name two different runs (`evalspec runs` lists them), e.g. evalspec diff RUN_A latest, or compare with a labelled baseline: evalspec diff latest --baseline main',
            });
          }
        }
        // Without --json only the flips the terminal and Markdown show need their outputs (20: Markdown's default).
        const outputsFor = opts.json ? undefined : { perKind: opts.flips, overall: opts.md ? 20 : 0 };
        const report = await buildDiffReport(store, beforeRef, afterRef, { metrics: opts.metric, outputsFor });
        if (opts.json) await writeDiffJson(report, opts.json);
        if (opts.md) await writeDiffMarkdown(report, opts.md);
        io.stdout(`${renderDiffText(report, { flips: opts.flips })}\n`);
        const worse = significantRegressions(report);
        if (opts.failOnRegression && worse.length) {
          io.stderr(`${worse.length} significant regression${worse.length === 1 ? '' : 's'} (--fail-on-regression)\n`);
          io.exitCode = EXIT.barFailed;
        } else io.exitCode = EXIT.ok;
      } finally {
        await store.close();
      }
    });
}
