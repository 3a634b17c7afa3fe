// `evalspec init`
import type { Command } from 'commander';
import type { CliIO } from '../cli-io.js';
import { scaffoldSuite } from '../init.js';

export function registerInitCommand(program: Command, io: CliIO): void {
  program
    .command('init')
    .description('scaffold a commented example suite that runs offline')
    .argument('[dir]', 'where to create it', 'my-suite')
    .action((dir: string) => {
      const files = scaffoldSuite(dir);
      io.stdout(`created ${files.length} files in ${dir}:\n${files.map((f) => `  ${f}`).join('\n')}\n\nnext: npx evalspec run ${dir}/evalspec.yaml\n`);
    });
}
