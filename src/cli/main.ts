#!/usr/bin/env node
// The evalspec executable: runs the program, maps errors to exit codes, and turns Ctrl-C into a clean
// cancellation (finished results stay stored; a second Ctrl-C exits at once).
import { setFlagsFromString } from 'node:v8';
import { CommanderError } from 'commander';
import { EXIT, isEvalspecError } from '../errors.js';
import { createProgram } from './program.js';
import type { CliIO } from './cli-io.js';

// Heap headroom. On a machine with plenty of RAM, V8 lets the heap grow to up to 4x the live data between
// full collections; a run allocates fast and keeps little (results go to the store), so that headroom was
// most of its memory. 1.5x keeps peak RSS ~20% lower than 4x for a run, and a million-result `diff` ~25 MB
// lower than 2x, at the same throughput (docs/benchmark.md). Set here, in the executable only (never by the
// library), and not when the user chose heap flags themselves.
const HEAP_FLAGS = /^--(heap-growing-percent|max-old-space-size|max-heap-size|max-semi-space-size)\b/;
if (![...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].some((a) => HEAP_FLAGS.test(a))) {
  setFlagsFromString('--heap-growing-percent=50');
}

// `evalspec runs | head` closes our stdout early: that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

export async function main(argv: string[]): Promise<number> {
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts > 1) process.exit(EXIT.cancelled);
    process.stderr.write('\ncancelling: finishing writes (Ctrl-C again to quit at once)\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  const io: CliIO = {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    exitCode: EXIT.ok,
    signal: controller.signal,
  };
  try {
    await (await createProgram(io, argv)).parseAsync(argv, { from: 'user' });
    return io.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return EXIT.ok;
      return EXIT.invalidInput;
    }
    if (isEvalspecError(error)) {
      process.stderr.write(`${error.format()}\n`);
      return error.exitCode;
    }
    process.stderr.write(`internal error: ${(error as Error)?.stack ?? String(error)}\n`);
    return EXIT.internal; // EX_SOFTWARE: a bug in evalspec, not in the user's input
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
}

// When everything the command awaits waits on something that can never happen (a promise nobody will
// settle), Node's event loop empties and the process would exit 0 with the command unfinished: no report,
// the run left `started`, a CI job green having tested nothing. User code has deadlines (src/user-code), so
// reaching this is a bug in evalspec; fail loudly instead of passing.
let finished = false;
process.on('beforeExit', () => {
  if (finished) return;
  process.stderr.write(
    'internal error: evalspec stopped making progress (every pending operation was waiting on something that can never finish); ' +
      'the command did not complete. Please report this with the suite; finished results are stored and `evalspec run --resume RUN_ID` continues a run.\n',
  );
  process.exit(EXIT.internal);
});

main(process.argv.slice(2)).then((code) => {
  finished = true;
  process.exitCode = code;
});
