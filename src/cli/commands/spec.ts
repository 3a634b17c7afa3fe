// `evalspec spec SUITE`: the suite rendered as the product spec (Markdown or one self-contained HTML page), with
// every missing piece shown as a gap; `--check` exits 1 when a section the suite lists in `spec.required` has one.
import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import type { CliIO } from '../cli-io.js';
import { EXIT } from '../../errors.js';
import { openStore, storeLocation, type Store } from '../../store/index.js';
import { parseVolume } from '../../analysis/index.js';
import { buildSpec, renderSpecHtml, renderSpecMarkdown, specGaps } from '../../spec/index.js';
import { parseNow } from './monitor.js';

/** The store to read: --db or $EVALSPEC_DB as given; the default file only when it exists (a spec needs no store). */
function specStore(db: string | undefined): Store | undefined {
  if (db === undefined && process.env.EVALSPEC_DB === undefined && !existsSync(resolve(storeLocation()))) return undefined;
  return openStore(db, { access: 'read' });
}

export function registerSpecCommand(program: Command, io: CliIO): void {
  program
    .command('spec')
    .description('render the suite as the product spec (what good means, failure modes, data, model choice, status, deployment, change log) with its gaps')
    .argument('<suite>', 'the suite file (evalspec.yaml) or its folder')
    .addOption(new Option('--format <format>', 'output format').choices(['md', 'html']).default('md'))
    .option('--out <file>', 'write the spec to this file instead of stdout')
    .option('--volume <volume>', 'project spend at this volume: 2M/month, 500k/day')
    .addOption(new Option('--now <time>', "the time the spec is made at and the end of the monitors' windows (ISO 8601; default: now)").argParser(parseNow))
    .option('--no-git', 'leave out the change log from git')
    .option('--check', 'exit 1 when a section listed in spec.required has a gap (the gaps are printed)')
    .action(async (suitePath: string, opts) => {
      const volume = opts.volume ? parseVolume(opts.volume) : undefined;
      const store = specStore(program.opts().db);
      try {
        const doc = await buildSpec(suitePath, { store, git: opts.git, volume, now: opts.now });
        const text = opts.format === 'html' ? renderSpecHtml(doc) : renderSpecMarkdown(doc);
        if (opts.check) {
          const failing = specGaps(doc);
          if (opts.out) writeFileSync(opts.out, text);
          for (const g of failing) io.stdout(`gap [${g.section}] ${g.id}: ${g.message}\n  fix: ${g.fix}\n`);
          io.stdout(
            failing.length
              ? `spec check failed: ${failing.length} gap(s) in required sections (${doc.required.join(', ')})\n`
              : `spec check passed: no gap in the required sections${doc.required.length ? ` (${doc.required.join(', ')})` : ' (spec.required lists none)'}\n`,
          );
          io.exitCode = failing.length ? EXIT.barFailed : EXIT.ok;
          return;
        }
        if (opts.out) {
          writeFileSync(opts.out, text);
          io.stdout(`wrote ${opts.out}\n`);
        } else io.stdout(text);
        io.exitCode = EXIT.ok;
      } finally {
        await store?.close();
      }
    });
}
