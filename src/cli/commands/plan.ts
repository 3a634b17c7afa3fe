// `evalspec plan SUITE --detect 0.05`: how many cases (and repeats) the suite needs to detect a difference
// of that size between variants, and what it can detect as it is. Uses the latest completed run of the
// suite in the store when there is one (observed variance and correlation), else states its assumptions.
import type { Command } from 'commander';
import { Option } from 'commander';
import type { CliIO } from '../cli-io.js';
import { EvalspecError } from '../../errors.js';
import { loadSuite } from '../../suite/index.js';
import { resolveRepeatReducer } from '../../stats/index.js';
import { openStore, storeMayExist, type Store, type RunRecord } from '../../store/index.js';
import { loadCaseOutcomes } from '../../analysis/index.js';
import { planPower, type PowerPlan } from '../../stats/index.js';

/** "0.05", "5%" → 0.05: a difference on the 0–1 scale. */
export const differenceOption = (name: string) => (value: string) => {
  const text = value.trim();
  const n = text.endsWith('%') ? Number(text.slice(0, -1)) / 100 : Number(text);
  if (!(n > 0 && n < 1))
    throw new EvalspecError('USAGE', `${name} must be a difference between 0 and 1 (or a percentage), got "${value}"`, {
      hint: `e.g. ${name} 0.05 (5 points of pass rate) or ${name} 5%`,
    });
  return n;
};

const probabilityOption = (name: string) => (value: string) => {
  const n = Number(value);
  if (!(n > 0 && n < 1)) throw new EvalspecError('USAGE', `${name} must be between 0 and 1, got "${value}"`, { hint: `e.g. ${name} 0.05` });
  return n;
};

/** Open the store only when it exists: planning never creates an empty database. */
function existingStore(location: string | undefined): Store | undefined {
  if (!storeMayExist(location)) return undefined;
  return openStore(location, { access: 'read' });
}

async function previousRun(store: Store, suiteName: string, runId: string | undefined): Promise<RunRecord | undefined> {
  if (runId) {
    const run = await store.runs.get(runId);
    if (!run) throw new EvalspecError('RUN_NOT_FOUND', `no run ${runId} in ${store.location}`, { hint: 'list stored runs with `evalspec runs`' });
    return run;
  }
  const runs = await store.runs.list({ suite: suiteName, limit: 50 });
  return runs.find((r) => r.status === 'completed');
}

const pts = (x: number) => `${(x * 100).toFixed(1)} points`;
const int = (x: number) => x.toLocaleString('en-US');

export function renderPlan(plan: PowerPlan, suite: { name: string; cases: number; variants: number; repeat: number }): string {
  // The reducer makes each case's pass value: the variances below are of those values.
  const reduce = plan.repeatReduce === 'mean' && suite.repeat === 1 ? '' : ` (reduced by ${plan.repeatReduce})`;
  const lines: string[] = [];
  lines.push(
    `${suite.name}: ${int(suite.cases)} cases × ${suite.repeat} repeat${suite.repeat === 1 ? '' : 's'}${reduce}, ${suite.variants} variant${suite.variants === 1 ? '' : 's'}`,
  );
  lines.push('');
  lines.push(
    `To detect a difference of ${pts(plan.detect)} in pass rate between two variants (two-sided α = ${plan.alpha}, ${Math.round(plan.power * 100)}% power, paired on the same cases; Miller 2024 Eq. 9):`,
  );
  if (plan.source === 'previous-run') lines.push(`  observed in run ${plan.previousRunId}:`);
  for (const p of plan.pairs) {
    if (plan.source === 'previous-run') {
      const corr = p.correlation === null ? 'n/a (a variant had no spread)' : p.correlation.toFixed(2);
      lines.push(
        `  ${p.variant} vs ${p.baseline}: per-case SD ${p.sdVariant.toFixed(3)} / ${p.sdBaseline.toFixed(3)}, correlation ${corr}, Var(${p.variant} − ${p.baseline}) ${p.varianceOfDifference.toFixed(4)} over ${int(p.n)} cases`,
      );
      if (p.decomposition) {
        lines.push(
          `    of which between cases ${p.decomposition.caseVarianceOfDifference.toFixed(4)}, within a case (per repeat) ${p.decomposition.repeatVarianceVariant.toFixed(4)} / ${p.decomposition.repeatVarianceBaseline.toFixed(4)} (from ${p.decomposition.observedRepeats} repeats)`,
        );
      }
      if (p.designEffect !== null) lines.push(`    clusters: design effect ${p.designEffect.toFixed(2)} (cases needed multiplied by it)`);
    }
    // A range when the variance was not split (no run with repeats): between the two ends, see RepeatsRow.
    const rows = p.casesNeeded.map(
      (r) =>
        `${r.repeats} repeat${r.repeats === 1 ? '' : 's'}: ${r.casesLowerBound !== undefined && r.casesLowerBound < r.cases ? `${int(r.casesLowerBound)}–${int(r.cases)}` : int(r.cases)} cases`,
    );
    lines.push(`    cases needed: ${rows.join(' · ')}`);
    lines.push(
      `    this suite as it is (${int(plan.suiteCases)} cases, ${plan.repeat} repeat${plan.repeat === 1 ? '' : 's'}) can detect about ${pts(p.minimumDetectableDifference)}`,
    );
  }
  lines.push('');
  const gap = plan.casesNeeded - plan.suiteCases;
  lines.push(
    `Cases needed: ${int(plan.casesNeeded)} at ${plan.repeat} repeat${plan.repeat === 1 ? '' : 's'}${gap > 0 ? ` (the suite has ${int(plan.suiteCases)}: add ${int(gap)})` : ` (the suite has ${int(plan.suiteCases)}: enough)`}.`,
  );
  lines.push(`Minimum detectable difference of the suite as it is: ${pts(plan.minimumDetectableDifference)}.`);
  if (plan.assumptions.length) {
    lines.push('', 'Assumptions:');
    for (const a of plan.assumptions) lines.push(`  - ${a}`);
  }
  if (plan.bars.length) {
    lines.push('', 'Failure-rate bars (0 failures in n cases proves a rate ≤ 1 − (1 − level)^(1/n)):');
    for (const b of plan.bars) lines.push(`  ${b.text}: ${int(b.casesNeeded)} ${b.basis}`);
  }
  return lines.join('\n');
}

export function registerPlanCommand(program: Command, io: CliIO): void {
  program
    .command('plan')
    .description('how many cases (and repeats) a suite needs to detect a difference, and what it can detect now')
    .argument('<suite>', 'suite file or directory')
    .addOption(
      new Option('--detect <difference>', 'smallest pass-rate difference worth detecting, e.g. 0.05 or 5%')
        .argParser(differenceOption('--detect'))
        .makeOptionMandatory(),
    )
    .addOption(new Option('--alpha <a>', 'two-sided significance level').default(0.05).argParser(probabilityOption('--alpha')))
    .addOption(new Option('--power <p>', 'chance of detecting a true difference of that size').default(0.8).argParser(probabilityOption('--power')))
    .option('--run <runId>', 'take variance and correlation from this run (default: the latest completed run of the suite)')
    .option('--json', 'print the plan as JSON')
    .action(async (suitePath: string, opts) => {
      const suite = loadSuite(suitePath);
      const store = existingStore(program.opts().db);
      let previous: Parameters<typeof planPower>[0]['previous'];
      try {
        const run = store ? await previousRun(store, suite.name, opts.run) : undefined;
        if (!store && opts.run) throw new EvalspecError('RUN_NOT_FOUND', `no store, so no run ${opts.run}`, { hint: 'run the suite first, or pass --db' });
        if (run && store) {
          previous = {
            runId: run.id,
            outcomes: await loadCaseOutcomes(store, run),
            baseline: typeof run.config.baseline === 'string' ? run.config.baseline : suite.baseline,
            labels: Object.fromEntries(run.variants.map((v) => [v.id, v.label])),
          };
        }
      } finally {
        await store?.close();
      }
      const variants = suite.models.length * suite.prompts.length;
      const plan = planPower({
        detect: opts.detect,
        alpha: opts.alpha,
        power: opts.power,
        suiteCases: suite.cases.length,
        repeat: suite.repeat,
        reducer: resolveRepeatReducer(suite.storedConfig.repeat, suite.repeat).name,
        previous,
        bars: suite.bars,
      });
      if (opts.json)
        io.stdout(
          `${JSON.stringify({ suite: { name: suite.name, file: suite.file, cases: suite.cases.length, variants, repeat: suite.repeat }, ...plan }, null, 2)}\n`,
        );
      else io.stdout(`${renderPlan(plan, { name: suite.name, cases: suite.cases.length, variants, repeat: suite.repeat })}\n`);
    });
}
