// `evalspec store migrate` / `evalspec store copy --from A --to B`: the store itself. `migrate` brings a store's
// schema to this version's (every command does it on open; this does only that, e.g. in a deploy step, and lists
// what is applied). `copy` moves history between stores, typically a laptop's SQLite file into the team's
// PostgreSQL (docs/team.md). Locations are shown redacted: a URL's password never reaches the output.
import type { Command } from 'commander';
import type { CliIO } from '../cli-io.js';
import { EvalspecError } from '../../errors.js';
import { copyStore, openStore, redactLocation, storeLocation, type Store } from '../../store/index.js';

export function registerStoreCommand(program: Command, io: CliIO): void {
  const store = program.command('store').description('the store itself: bring its schema up to date, copy runs between stores');

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
        const summary = await copyStore(source, target, (p) => {
          if (opts.json) return;
          if (p.outcome === 'skipped') io.stdout(`skipped ${p.runId}: already in the target\n`);
          else io.stdout(`copied ${p.runId}: ${p.results} results, ${p.labels} labels\n`);
        });
        if (opts.json) {
          io.stdout(`${JSON.stringify({ from: source.location, to: target.location, ...summary }, null, 2)}\n`);
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
}
