// `evalspec import promptfoo CONFIG --out DIR`: a way in for promptfoo users. Writes the imported suite and
// IMPORT.md, prints what was not carried over, and exits 0 (full), 5 (partial) or 6 (nothing runnable).
import type { Command } from 'commander';
import type { CliIO } from '../cli-io.js';
import { EXIT } from '../../errors.js';
import { importPromptfoo, renderImportTerminal } from '../../importer/index.js';

export function registerImportCommand(program: Command, io: CliIO): void {
  const command = program.command('import').description("turn another tool's eval config into an evalspec suite");
  command
    .command('promptfoo')
    .description('import a promptfooconfig.yaml: prompts, providers, tests, assertions; everything not carried over is listed with its line')
    .argument('<config>', 'the promptfoo config (promptfooconfig.yaml)')
    .requiredOption('--out <dir>', 'the directory to write evalspec.yaml, cases.jsonl and IMPORT.md into')
    .option('--force', 'write into a directory that already holds files')
    .action((config: string, opts: { out: string; force?: boolean }) => {
      const report = importPromptfoo(config, { outDir: opts.out, force: opts.force });
      io.stdout(renderImportTerminal(report));
      io.exitCode = report.status === 'full' ? EXIT.ok : report.status === 'partial' ? EXIT.importPartial : EXIT.importNone;
    });
}
