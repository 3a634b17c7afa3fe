// `evalspec redteam init SUITE` and `evalspec redteam generate SUITE` (issue #18, docs/safety.md). The logic is
// redteam/ (init.ts, generate.ts); this file wires flags, prints what happened and sets the exit code.
import type { Command } from 'commander';
import { relative } from 'node:path';
import type { CliIO } from '../cli-io.js';
import { EXIT } from '../../errors.js';
import { generateRedteam, initRedteam, type GenerateSummary } from '../../redteam/index.js';
import { escapeTerminal, usd } from '../../report/index.js';
import { openStore, type Store } from '../../store/index.js';
import { loadSuite } from '../../suite/index.js';
import { nonNegativeUsd } from '../budget-options.js';

const shown = (file: string) => escapeTerminal(relative(process.cwd(), file) || file, 200);
const counts = (record: Record<string, number>) =>
  Object.entries(record)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');

function renderSummary(s: GenerateSummary, suitePath: string): string {
  const lines = [`wrote ${s.cases} red-team case(s) to ${shown(s.file)}: ${s.bases} base attack(s) and ${s.variants} variant(s)`];
  lines.push(`  by plugin: ${counts(s.perPlugin)}`);
  lines.push(`  by strategy: ${counts(s.perStrategy)}`);
  const c = s.changes;
  lines.push(`  against the file before: ${c.added} new, ${c.changed} changed, ${c.removed} removed, ${c.unchanged} the same`);
  lines.push(`  attacker cost: ${s.costUsd === null ? 'unknown (a price is missing)' : usd(s.costUsd)}`);
  for (const w of s.warnings) lines.push(`warning: ${escapeTerminal(w, 400)}`);
  if (s.stopped) lines.push(`stopped early (${s.stopped.reason}): ${escapeTerminal(s.stopped.message, 400)}; the cases generated before are written`);
  lines.push(`next: review the file, then \`evalspec run ${suitePath} --suite-part redteam\``);
  return lines.join('\n');
}

export function registerRedteamCommand(program: Command, io: CliIO): void {
  const redteam = program.command('redteam').description("red-team cases from the suite's redteam: block (docs/safety.md)");

  redteam
    .command('init')
    .description('add a redteam: block to the suite: the plugins it can host, the deterministic strategies')
    .argument('<suite>', 'suite file or directory')
    .option('--purpose <text>', "what the app is for and must not do (default: the suite's description)")
    .action((suitePath: string, opts: { purpose?: string }) => {
      const result = initRedteam(suitePath, { purpose: opts.purpose });
      const lines = [
        `added a redteam: block to ${shown(result.file)}`,
        `  plugins: ${result.plugins.join(', ')}`,
        `  strategies: ${result.strategies.join(', ')}`,
      ];
      if (result.needsSetting.length) {
        lines.push('  commented out until you add their setting:');
        for (const n of result.needsSetting) lines.push(`    ${n.plugin}: ${n.setting}`);
      }
      lines.push(`next: \`evalspec redteam generate ${suitePath}\``);
      io.stdout(`${lines.join('\n')}\n`);
      io.exitCode = EXIT.ok;
    });

  redteam
    .command('generate')
    .description("write the red-team cases (plugins × strategies) to the block's cases file, sorted by id, with provenance")
    .argument('<suite>', 'suite file or directory')
    .option('--max-cost <usd>', "cap on the attacker model's spend (over the block's max_cost)", nonNegativeUsd('--max-cost'))
    .option('--out <file>', "write here instead of the block's cases: file")
    .action(async (suitePath: string, opts: { maxCost?: number; out?: string }) => {
      // The store caches the attacker's calls: opened only when the block names an attacker.
      const store: Store | undefined = loadSuite(suitePath).redteam?.spec.attacker ? openStore(program.opts().db) : undefined;
      try {
        const summary = await generateRedteam(suitePath, { store, maxCostUsd: opts.maxCost, out: opts.out, signal: io.signal });
        io.stdout(`${renderSummary(summary, suitePath)}\n`);
        io.exitCode = !summary.stopped ? EXIT.ok : summary.stopped.reason === 'cancelled' ? EXIT.cancelled : EXIT.incomplete;
      } finally {
        await store?.close();
      }
    });
}
