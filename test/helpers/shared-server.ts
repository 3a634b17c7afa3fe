// The shared bench fake server (../shared/bench/fake-llm-server.mjs): OpenAI-compatible, with a real token-bucket
// rate limit (--rpm / --tpm / --burst-s) and ground truth at /stats. Started as a child process on a free port.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { jsonl, REPO, tempDir } from './cli.js';

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

/**
 * A suite for the shared server: `cases` questions ending with a unique code (amber-1000, amber-1001, …), which
 * the server's correct answers echo and its wrong ones mutate, checked with `contains`. `provider` adds to the
 * openai provider's settings (e.g. `rate_limit: { rpm: 1200 }`), `extra` lines to the suite.
 */
export function amberSuite(o: {
  name: string;
  url: string;
  apiKey: string;
  models: string[];
  cases: number;
  provider?: string;
  extra?: string;
}): Record<string, string> {
  return {
    'evalspec.yaml': `name: ${o.name}
providers:
  openai: { baseURL: "${o.url}/v1", apiKey: "${o.apiKey}"${o.provider ? `, ${o.provider}` : ''} }
models: [${o.models.map((m) => `openai:${m}`).join(', ')}]
params: { max_tokens: 64 }
prompts:
  - id: v1
    messages:
      - { role: user, content: "{{question}}" }
cases: cases.jsonl
checks:
  - { type: contains, value: "amber-{{code}}" }
${o.extra ?? ''}`,
    'cases.jsonl': jsonl(
      Array.from({ length: o.cases }, (_, i) => ({
        id: `c${i}`,
        vars: { question: `Which code did the user give in ticket ${i}? They wrote: amber-${1000 + i}`, code: String(1000 + i) },
      })),
    ),
  };
}
