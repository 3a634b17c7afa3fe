// `evalspec run --dry-run` and `--max-cost`: the flag parser, the dry-run action and the message printed when
// the budget stopped a run. Kept out of commands/run.ts so that file only wires flags.
import type { Command, OptionValues } from 'commander';
import type { CliIO } from './cli-io.js';
import { EvalspecError, EXIT } from '../errors.js';
import { estimateSuite } from '../estimate-suite.js';
import type { RunOutcome } from '../run/index.js';
import { usd } from '../report/index.js';
import { renderEstimate } from './dry-run.js';
import { writeFileSync } from 'node:fs';

export const nonNegativeUsd = (name: string) => (value: string) => {
  const n = Number(value.replace(/^\$/, ''));
  if (!Number.isFinite(n) || n < 0 || value.trim() === '')
    throw new EvalspecError('USAGE', `${name} must be an amount in USD, got "${value}"`, { hint: `e.g. ${name} 5 (five dollars)` });
  return n;
};

export async function dryRunAction(program: Command, io: CliIO, suitePath: string | undefined, opts: OptionValues): Promise<void> {
  const estimate = await estimateSuite(suitePath, {
    db: program.opts().db,
    models: opts.model,
    prompts: opts.prompt,
    part: opts.suitePart,
    against: opts.against,
    repeat: opts.repeat,
    concurrency: opts.concurrency,
    expectedOutputTokens: opts.expectedOutputTokens,
    resume: opts.resume,
    allowEmpty: opts.allowEmpty,
  });
  if (opts.json) writeFileSync(opts.json, `${JSON.stringify({ kind: 'evalspec-estimate', ...estimate }, null, 2)}\n`);
  io.stdout(`${renderEstimate(estimate, opts.maxCost)}\n`);
  io.exitCode = EXIT.ok;
}

export function budgetStopMessage(outcome: RunOutcome): string {
  const b = outcome.budget!;
  return (
    `budget reached: this run spent ${usd(b.spentUsd)} of --max-cost ${usd(b.maxCostUsd)} and stopped before a call that would have passed it; ` +
    `finished results are stored. Continue with: evalspec run --resume ${outcome.runId} (add --max-cost to cap the rest)`
  );
}

/** What a cancelled (Ctrl-C) run says: nothing finished is lost, and how to continue. */
export function cancelledMessage(runId: string): string {
  return `cancelled: finished results are stored; continue with: evalspec run --resume ${runId}`;
}
