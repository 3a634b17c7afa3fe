// `evalspec store migrate` / `evalspec store copy --from A --to B`: the store itself. `migrate` brings a store's
// schema to this version's (every command does it on open; this does only that, e.g. in a deploy step, and lists
// what is applied). `copy` moves history between stores, typically a laptop's SQLite file into the team's
// PostgreSQL (docs/team.md), and keeps the copied runs' folds (the target's write positions differ, so the source's
// are not copied). `fold` keeps the fold of runs that have none (docs/architecture.md, "Kept folds"): runs stored
// before folds were kept read a million rows back on every show, diff and select until then. Locations are shown
// redacted: a URL's password never reaches the output.
import type { Command } from 'commander';
import type { CliIO } from '../cli-io.js';
import { EvalspecError } from '../../errors.js';
import { copyStore, openStore, redactLocation, storeLocation, type RunRecord, type Store } from '../../store/index.js';
import { keepRunFolds, loadRun, type RunFoldOutcome } from '../../report/index.js';

export function registerStoreCommand(program: Command, io: CliIO): void {
  const store = program.command('store').description("the store itself: bring its schema up to date, copy runs between stores, keep runs' folds");

  store
    .command('migrate')
    .description('apply the pending schema migrations to the store (--db or $EVALSPEC_DB) and list the applied ones')
    .option('--json', 'print JSON')
    .action(async (opts) => {
      const started = new Date().toISOString();
      const target = openStore(program.opts().db);
      try {
        const applied = await target.migrations();
        const now = applied.filter((m) => m.appliedAt >= started);
        if (opts.json) {
          io.stdout(`${JSON.stringify({ location: target.location, kind: target.kind, applied, appliedNow: now.map((m) => m.version) }, null, 2)}\n`);
          return;
        }
        io.stdout(`${target.kind} store ${target.location}: schema version ${applied.at(-1)?.version ?? 0}\n`);
        for (const m of applied) io.stdout(`  ${m.version}  ${m.name}${now.includes(m) ? '  (applied now)' : ''}\n`);
        if (now.length === 0) io.stdout('already up to date: nothing applied\n');
      } finally {
        await target.close();
      }
    });

  store
    .command('copy')
    .description(
      'copy every run (cases, results, labels, calibrations), the response cache and the access tokens from one store into another; runs already there are skipped',
    )
    .requiredOption('--from <location>', 'the store to read (a SQLite file or a postgres:// URL)')
    .option('--to <location>', 'the store to write (default: --db, else $EVALSPEC_DB, else .evalspec/evalspec.db)')
    .option('--no-fold', "do not keep the copied runs' folds (show, diff and select then read their rows until `store fold`)")
    .option('--json', 'print JSON')
    .action(async (opts) => {
      const to = storeLocation(opts.to ?? program.opts().db);
      if (opts.from === to) {
        throw new EvalspecError('USAGE', `--from and --to name the same store (${redactLocation(to)})`, { hint: 'pass --to with the other store' });
      }
      const source = openStore(opts.from, { access: 'read' });
      let target: Store | undefined;
      try {
        target = openStore(to);
        const copied: string[] = [];
        const summary = await copyStore(source, target, (p) => {
          if (p.outcome !== 'skipped') copied.push(p.runId);
          if (opts.json) return;
          if (p.outcome === 'skipped') io.stdout(`skipped ${p.runId}: already in the target\n`);
          else io.stdout(`copied ${p.runId}: ${p.results} results, ${p.labels} labels\n`);
        });
        const into = target;
        const folds = opts.fold
          ? await keepRunFolds(into, await Promise.all(copied.map((id) => loadRun(into, id))), { onRun: (o) => opts.json || printFold(o) })
          : [];
        if (opts.json) {
          io.stdout(`${JSON.stringify({ from: source.location, to: target.location, ...summary, folds }, null, 2)}\n`);
          return;
        }
        io.stdout(
          `${summary.runs} runs copied (${summary.results} results, ${summary.labels} labels, ${summary.calibrations} calibrations), ` +
            `${summary.skipped} already there; ${summary.cacheEntries} cache entries; ${summary.tokens} access tokens` +
            `${summary.tokensSkipped ? ` (${summary.tokensSkipped} already there or their name taken)` : ''}; from ${source.location} to ${target.location}\n`,
        );
      } finally {
        await Promise.all([source.close(), target?.close()]);
      }
    });

  store
    .command('fold')
    .argument('[runs...]', 'run ids (default: every run in the store)')
    .description(
      'keep the fold of runs that have none under their rows as they stand (runs stored by an older evalspec, or whose rows were written again), so show, diff and select read it instead of every result',
    )
    .option('--force', 'fold and keep again even where a current fold is kept')
    .option('--json', 'print JSON')
    .action(async (ids: string[], opts) => {
      const target = openStore(program.opts().db);
      try {
        const runs: RunRecord[] = ids.length ? await Promise.all(ids.map((id) => loadRun(target, id))) : await target.runs.list({ limit: 1_000_000_000 });
        const folds = await keepRunFolds(target, runs, { force: opts.force === true, onRun: (o) => opts.json || printFold(o) });
        if (opts.json) {
          io.stdout(`${JSON.stringify({ location: target.location, folds }, null, 2)}\n`);
          return;
        }
        const count = (outcome: RunFoldOutcome['outcome']) => folds.filter((f) => f.outcome === outcome).length;
        io.stdout(
          `${count('kept')} runs folded, ${count('current')} already current, ${count('skipped')} still running, ${count('failed')} failed; ${target.location}\n`,
        );
        if (count('failed') > 0)
          throw new EvalspecError('STORE', `${count('failed')} runs' folds could not be kept (see above)`, {
            hint: 'free disk space or check the store, then run `evalspec store fold` again',
          });
      } finally {
        await target.close();
      }
    });

  function printFold(o: RunFoldOutcome): void {
    const what = { kept: 'folded', current: 'already current', skipped: 'skipped: still running (a resume keeps its fold when it ends)', failed: 'not kept' }[
      o.outcome
    ];
    io.stdout(`${o.runId}: ${what} (${o.results.toLocaleString('en')} results)\n`);
    for (const w of o.warnings) io.stdout(`  ${w}\n`);
  }
}
