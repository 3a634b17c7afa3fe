// `evalspec ingest FILE…`: batch import of production logs (JSONL lines, or OTLP JSON export files) into the store
// with the monitors' queue entries, then score the queue until it is empty (unless --no-score). A bad line stops
// the import with file:line and the fix (exit 2); what was imported before it stays, and re-importing is idempotent.
import { Option, type Command } from 'commander';
import { resolve } from 'node:path';
import type { CliIO } from '../cli-io.js';
import { EvalspecError, EXIT } from '../../errors.js';
import { createProductionScorer, importProductionFiles, startScoreLoop, type ImportFormat } from '../../monitor/index.js';
import { openStore } from '../../store/index.js';
import { loadSuite } from '../../suite/index.js';

export function registerIngestCommand(program: Command, io: CliIO): void {
  program
    .command('ingest')
    .description("import production logs (JSONL lines or OTLP JSON exports) into the store, then score them with the suite's monitors")
    .argument('<files...>', 'JSONL files (one call per line) or OTLP JSON files (.json)')
    .requiredOption('--suite <file>', 'the suite whose production: rules and monitors: apply')
    .addOption(new Option('--format <format>', "the files' format (default: .json files otlp-json, others jsonl)").choices(['jsonl', 'otlp-json']))
    .option('--no-score', 'import only: leave the queue to `evalspec collect` or a later `evalspec ingest`')
    .addOption(
      new Option('--score-concurrency <n>', 'records scored at once').default(4).argParser((v) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1 || n > 256)
          throw new EvalspecError('USAGE', `--score-concurrency must be an integer 1–256, got "${v}"`, { hint: 'e.g. --score-concurrency 4' });
        return n;
      }),
    )
    .action(async (files: string[], opts) => {
      const suite = loadSuite(opts.suite);
      const store = openStore(program.opts().db);
      try {
        const results = await importProductionFiles(
          files.map((f) => resolve(f)),
          { store, suite, format: opts.format as ImportFormat | undefined },
        );
        for (const [i, r] of results.entries()) {
          const extra = [
            r.duplicates ? `${r.duplicates} already stored` : '',
            r.ignoredSpans ? `${r.ignoredSpans} spans without GenAI attributes ignored` : '',
          ].filter(Boolean);
          io.stdout(
            `${files[i]}: ${r.records} record${r.records === 1 ? '' : 's'} (${r.format}), ${r.stored} stored${extra.length ? `, ${extra.join(', ')}` : ''}\n`,
          );
        }
        if (opts.score === false || suite.monitors.length === 0) {
          const depth = await store.production.queueDepth(suite.name);
          io.stdout(
            `queued for scoring: ${depth}${suite.monitors.length === 0 ? ' (the suite has no monitors)' : ' (--no-score: `evalspec collect` scores them)'}\n`,
          );
          return;
        }
        const scorer = await createProductionScorer({ suite, store, signal: io.signal, concurrency: opts.scoreConcurrency });
        const loop = startScoreLoop({ store, suite, scorer, untilEmpty: true, batch: 8 * opts.scoreConcurrency });
        try {
          await loop.done;
        } catch (error) {
          if (io.signal?.aborted) {
            io.stdout(`cancelled: ${loop.scored()} scored; the rest stays queued\n`);
            io.exitCode = EXIT.cancelled;
            return;
          }
          throw error;
        }
        for (const w of scorer.warnings) io.stderr(`warning: ${w}\n`);
        const left = await store.production.queueDepth(suite.name);
        io.stdout(`scored ${loop.scored()}${left ? `; ${left} still queued (claimed by another scorer, or added meanwhile)` : ''}\n`);
      } finally {
        await store.close();
      }
    });
}
