// The shared bench fake server (../shared/bench/fake-llm-server.mjs): OpenAI-compatible, with a real token-bucket
// rate limit (--rpm / --tpm / --burst-s) and ground truth at /stats. Started as a child process on a free port.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { REPO, tempDir } from './cli.js';

export const SHARED_SERVER = resolve(process.env.EVALSPEC_SHARED ?? join(REPO, '..', 'shared'), 'bench', 'fake-llm-server.mjs');

export interface SharedServer {
  url: string;
  stats(): Promise<any>;
  stop(): Promise<void>;
}

export async function startSharedServer(flags: string[]): Promise<SharedServer> {
  const portFile = join(tempDir(), 'port');
  const proc: ChildProcess = spawn(process.execPath, [SHARED_SERVER, '--port', '0', '--port-file', portFile, '--quiet', '--max-lifetime-s', '300', ...flags], {
    stdio: 'ignore',
  });
  for (let i = 0; i < 100 && !existsSync(portFile); i++) await new Promise((r) => setTimeout(r, 50));
  const url = `http://127.0.0.1:${Number(readFileSync(portFile, 'utf8'))}`;
  return {
    url,
    stats: async () => (await fetch(`${url}/stats`)).json(),
    stop: async () => {
      proc.kill('SIGTERM');
      await new Promise((r) => (proc.exitCode !== null ? r(null) : proc.once('exit', r)));
    },
  };
}
