// The playground's API tests' set-up: a support suite on the fake provider (a real HTTP model with a key it
// checks), a stored run of it, and the viewer with the playground over the same store. The fake provider answers
// with the ticket's code on even tickets only, unless the prompt says "Quote the code": so the stored variant
// fails the odd tickets and a trial with that prompt fixes exactly them (the expected flips, by construction).
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { startFakeProvider, type FakeProvider, type FakeRequest } from '../fake-provider/server.js';
import { tempDir, writeFiles, jsonl } from '../helpers/cli.js';
import { runSuite } from '../../src/pipeline.js';
import { openStore, type Store } from '../../src/store/index.js';
import { hashToken, startViewer, REQUEST_HEADER, type ViewerServer } from '../../src/viewer/index.js';
import { createPlayground, type PlaygroundOptions } from '../../src/playground/index.js';
import type { PlaygroundService } from '../../src/viewer/index.js';

export const KEY = 'sk-playground-secret-key-0123456789abcdef';
export const ENV_NAME = 'EVALSPEC_PLAYGROUND_TEST_API_KEY';
export const CASES = 6;

export const SUITE = (url: string) => `# The support suite: comments must survive a saved prompt version.
name: playground-support
providers:
  openai: { baseURL: "${url}", apiKey: "\${${ENV_NAME}}" }   # the key comes from the environment
models: [openai:gpt-4o-mini]
concurrency: 1

prompts:
  # the prompt in production
  - id: v1
    messages:
      - { role: user, content: "{{question}}" }

cases: cases.jsonl
checks: [{ type: contains, value: "CODE-{{n}}" }]
# trailing comment
`;

export function ticketOf(req: Pick<FakeRequest, 'messages'>): number {
  return Number(/Ticket (\d+)/.exec(req.messages.map((m) => m.content).join('\n'))?.[1] ?? 0);
}

/** The fake provider's answer: the code on even tickets, or on every ticket when the prompt asks to quote it. */
export function answer(req: FakeRequest): string {
  const n = ticketOf(req);
  const text = req.messages.map((m) => m.content).join('\n');
  return n % 2 === 0 || text.includes('Quote the code') ? `The code is CODE-${n}.` : 'I cannot find a code.';
}

export interface Harness {
  dir: string;
  db: string;
  suiteFile: string;
  provider: FakeProvider;
  store: Store;
  service: PlaygroundService;
  viewer: ViewerServer;
  runId: string;
  /** Every response body the tests read, to assert no key is in any of them. */
  bodies: string[];
  api(path: string, init?: RequestInit): Promise<Response>;
  post(path: string, body: unknown): Promise<Response>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  provider?: Parameters<typeof startFakeProvider>[0];
  playground?: Partial<PlaygroundOptions>;
  /** Named store tokens: the viewer is then shared (--host 127.0.0.1) and needs sign-in. */
  tokens?: string[];
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  process.env[ENV_NAME] = KEY;
  const provider = await startFakeProvider({ apiKey: KEY, answer, ...options.provider });
  const dir = tempDir('evalspec-playground-');
  writeFiles(dir, {
    'evalspec.yaml': SUITE(provider.openaiBaseURL),
    'cases.jsonl': jsonl(
      Array.from({ length: CASES }, (_, i) => ({
        id: `c${i + 1}`,
        vars: { question: `Ticket ${i + 1}: the code is CODE-${i + 1}.`, n: String(i + 1) },
        tags: [i < 3 ? 'segment:enterprise' : 'segment:smb'],
      })),
    ),
  });
  const db = join(dir, 'evalspec.db');
  const suiteFile = join(dir, 'evalspec.yaml');
  const { outcome } = await runSuite(suiteFile, { db });
  const store = openStore(db);
  const service = createPlayground({ store, ...options.playground });
  for (const token of options.tokens ?? [])
    await store.tokens.create({ name: token.slice(4, 12), hash: hashToken(token), createdAt: new Date().toISOString() });
  const viewer = await startViewer({ store, playground: service, labeller: 'tester', ...(options.tokens ? { host: '127.0.0.1' } : {}) });
  const bodies: string[] = [];
  const api = async (path: string, init?: RequestInit) => {
    const response = await fetch(`${viewer.url}api${path}`, init);
    const text = await response.text();
    bodies.push(text);
    return new Response(text, { status: response.status, headers: response.headers });
  };
  return {
    dir,
    db,
    suiteFile,
    provider,
    store,
    service,
    viewer,
    runId: outcome.runId,
    bodies,
    api,
    post: (path, body) => api(path, { method: 'POST', headers: { 'content-type': 'application/json', [REQUEST_HEADER]: '1' }, body: JSON.stringify(body) }),
    close: async () => {
      await service.close();
      await viewer.close();
      await store.close();
      await provider.close();
    },
  };
}

/** NDJSON lines as events. */
export function events<T>(text: string): T[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}

export const suiteText = (h: Harness) => readFileSync(h.suiteFile, 'utf8');
