// `evalspec promote SUITE`: production records (failed, flagged, or a seeded sample per segment) → suite cases
// appended to a JSONL file. The logic is monitor/promote.ts; this file wires flags and prints what happened.
import type { Command } from 'commander';
import { join } from 'node:path';
import type { CliIO } from '../cli-io.js';
import { EvalspecError } from '../../errors.js';
import { openStore } from '../../store/index.js';
import { loadSuite } from '../../suite/index.js';
import { parseTimeBound, promote, type PromoteResult, type PromoteSelection } from '../../monitor/index.js';
import { escapeTerminal } from '../../report/index.js';
import { positiveInt } from '../options.js';

interface PromoteFlags {
  failed?: boolean;
  flagged?: boolean;
  sample?: number;
  perSegment?: boolean;
  monitor?: string;
  since?: string;
  until?: string;
  out?: string;
  seed: string;
  dryRun?: boolean;
}

function selectionOf(opts: PromoteFlags): PromoteSelection {
  const chosen = [opts.failed && '--failed', opts.flagged && '--flagged', opts.sample !== undefined && '--sample'].filter(Boolean);
  if (chosen.length !== 1) {
    throw new EvalspecError('USAGE', chosen.length ? `choose one selection, got ${chosen.join(' and ')}` : 'say which records to promote', {
      hint: 'one of --failed (a monitor failed them), --flagged (flagged in the viewer) or --sample N [--per-segment]',
    });
  }
  if (opts.perSegment && opts.sample === undefined) {
    throw new EvalspecError('USAGE', '--per-segment needs --sample N', { hint: 'e.g. --sample 5 --per-segment (5 records of each segment tag)' });
  }
  if (opts.failed) return { kind: 'failed' };
  if (opts.flagged) return { kind: 'flagged' };
  return { kind: 'sample', n: opts.sample!, perSegment: opts.perSegment === true, seed: opts.seed };
}

function render(result: PromoteResult, selection: PromoteSelection, dryRun: boolean): string {
  const lines: string[] = [];
  const verb = dryRun ? 'would write' : 'wrote';
  const how = selection.kind === 'sample' ? ` (seed ${selection.seed}${selection.perSegment ? `, ${selection.n} per segment` : ''})` : '';
  lines.push(`${result.selected} production record(s) selected by --${selection.kind}${how}; ${verb} ${result.written.length} case(s) to ${result.outFile}`);
  for (const c of result.written) {
    const failed = c.provenance.failed_checks.length ? `  failed: ${c.provenance.failed_checks.map((n) => escapeTerminal(n, 40)).join(', ')}` : '';
    lines.push(`  + ${c.id}  trace ${escapeTerminal(c.provenance.trace_id, 40)}  ${c.provenance.started_at}${failed}`);
    lines.push(`      ${escapeTerminal(String(c.vars.input), 100)}`);
  }
  const { duplicate, noInput } = result.skipped;
  lines.push(`skipped: ${duplicate} already a case (same content or id), ${noInput} with no user message left after redaction`);
  if (dryRun) lines.push('dry run: nothing written');
  return lines.join('\n');
}

export function registerPromoteCommand(program: Command, io: CliIO): void {
  program
    .command('promote')
    .description('turn production records (failed, flagged, or a seeded sample per segment) into suite cases with provenance')
    .argument('<suite>', 'suite file or directory')
    .option('--failed', 'records a monitor failed')
    .option('--flagged', 'records flagged in the viewer')
    .option('--sample <n>', 'a seeded random sample of N records', positiveInt('--sample'))
    .option('--per-segment', 'with --sample: N records of each segment tag')
    .option('--monitor <name>', 'only records this monitor scored (and, with --failed, failed)')
    .option('--since <when>', 'records that started at or after: 7d, 24h or an ISO 8601 date')
    .option('--until <when>', 'records that started before: 7d, 24h or an ISO 8601 date')
    .option('--out <file>', 'JSONL file the cases are appended to (default: cases-production.jsonl beside the suite)')
    .option('--seed <seed>', 'seed of --sample', '1')
    .option('--dry-run', 'show what would be written, write nothing')
    .action(async (suitePath: string, opts: PromoteFlags) => {
      const selection = selectionOf(opts);
      const now = new Date();
      const since = opts.since === undefined ? undefined : parseTimeBound(opts.since, '--since', now);
      const until = opts.until === undefined ? undefined : parseTimeBound(opts.until, '--until', now);
      const suite = loadSuite(suitePath);
      const store = openStore(program.opts().db, { access: 'read' });
      try {
        const result = await promote({
          suite,
          store: store.production,
          selection,
          outFile: opts.out ?? join(suite.dir, 'cases-production.jsonl'),
          monitor: opts.monitor,
          since,
          until,
          dryRun: opts.dryRun === true,
        });
        io.stdout(`${render(result, selection, opts.dryRun === true)}\n`);
        io.exitCode = 0;
      } finally {
        await store.close();
      }
    });
}
