// `evalspec view` as a real process for the CLI tests of the viewer: started on a store, resolved once it printed
// its URL (with ?token=… when it made one) and "Ctrl-C to stop"; stopped with SIGINT, resolving its exit code.
import type { ChildProcess } from 'node:child_process';
import { startCli } from './cli.js';

export interface ViewProcess {
  child: ChildProcess;
  /** The URL it says to open. */
  url: string;
  /** Everything it printed on stdout so far. */
  stdout: () => string;
}

export function startViewCli(db: string, cwd: string, args: string[]): Promise<ViewProcess> {
  const child = startCli(['--db', db, 'view', ...args], { cwd });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL printed: ${stdout} ${stderr}`)), 20_000);
    child.stdout!.on('data', () => {
      const m = /open (http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(stdout);
      if (m && stdout.includes('Ctrl-C to stop')) {
        clearTimeout(timer);
        resolve({ child, url: m[1], stdout: () => stdout });
      }
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
  });
}

/** Ctrl-C: resolves with the exit code. */
export const stopViewCli = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    child.removeAllListeners('exit');
    child.on('exit', (code) => resolve(code));
    child.kill('SIGINT');
  });
