// The executable loads only the module of the command it runs (issue #22: loading all of them loaded the whole
// library for `show`), so it must still find that command behind global options, list every command in help,
// and suggest one for a typo. Each command is commands/<name>.ts.
import { afterAll, describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { COMMAND_NAMES, commandOf } from '../../src/cli/program.js';
import { cleanupTempDirs, REPO, runCli, tempDir } from '../helpers/cli.js';

afterAll(cleanupTempDirs);

describe('the command a command line runs', () => {
  it('is its first word that is neither an option nor the value of --db', () => {
    expect(commandOf(['--db', 'show.db', 'runs', '--limit', '3'])).toBe('runs');
    expect(commandOf(['--db=x.db', 'show', 'latest'])).toBe('show');
    expect(commandOf(['--help'])).toBeUndefined();
    expect(commandOf([])).toBeUndefined();
  });

  it('is one of the files in src/cli/commands, each listed once', () => {
    const files = readdirSync(join(REPO, 'src/cli/commands')).map((f) => f.replace(/\.ts$/, ''));
    expect([...COMMAND_NAMES].sort()).toEqual(files.sort());
  });
});

describe('evalspec with one command loaded', () => {
  const cwd = tempDir();

  it('runs the command behind --db', async () => {
    // The command's own action answers (no store at that path), not commander's "unknown command".
    const r = await runCli(['--db', join(cwd, 'missing.db'), 'runs'], { cwd });
    expect(r.stderr).toContain('error[STORE]');
    expect(r.stderr).toContain('no database at this path');
  });

  it('lists every command in help, and suggests one for a typo', async () => {
    const help = await runCli(['--help'], { cwd });
    expect(help.exitCode).toBe(0);
    for (const name of COMMAND_NAMES) expect(help.stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
    const typo = await runCli(['shwo', 'latest'], { cwd });
    expect(typo.exitCode).not.toBe(0);
    expect(typo.stderr).toContain('show');
  });
});
