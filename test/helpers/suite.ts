// The suite most end-to-end tests run: one prompt ("{{question}}") on models of the fake provider's OpenAI
// endpoint, cases from cases.jsonl, a few checks, and whatever top-level settings the test is about. And the
// cases many of them use (a ticket whose answer carries its code), and the fake provider's start and stop
// around a file's tests. The fake provider decides pass and fail; these only write the set-up.
import { afterAll, beforeAll } from 'vitest';
import { startFakeProvider, type FakeProvider, type FakeProviderOptions } from '../fake-provider/server.js';
import { cleanupTempDirs, jsonl } from './cli.js';

export interface OpenAiSuite {
  name: string;
  /** The fake provider's openaiBaseURL. */
  url: string;
  /** A YAML list, e.g. "[openai:gpt-4o-mini, openai:gpt-4o]". */
  models: string;
  /** More provider settings after the key, e.g. "timeout_ms: 5000". */
  provider?: string;
  /** The checks: a YAML flow list, or block lines ("\n  - { type: … }"). Left out when undefined. */
  checks?: string;
  /** The cases source (default cases.jsonl). */
  cases?: string;
  /** More top-level settings, one per line (retries, concurrency, repeat, bars, …). */
  extra?: string;
}

/** The suite YAML: provider openai at `url` with the key from $OPENAI_API_KEY, prompt v1 asking "{{question}}". */
export function openAiSuite(s: OpenAiSuite): string {
  return `name: ${s.name}
providers:
  openai: { baseURL: "${s.url}", apiKey: "\${OPENAI_API_KEY}"${s.provider ? `, ${s.provider}` : ''} }
models: ${s.models}
prompts:
  - id: v1
    messages: [{ role: user, content: "{{question}}" }]
cases: ${s.cases ?? 'cases.jsonl'}
${s.checks === undefined ? '' : `checks: ${s.checks}\n`}${s.extra ?? ''}`;
}

/**
 * JSONL of n tickets c1…cn: "Ticket i: the code is CODE-i." with the number as var n (for checks such as
 * contains "CODE-{{n}}"), tagged segment:enterprise / segment:smb alternately when `segments`.
 */
export function ticketCases(n: number, options: { segments?: boolean; numbered?: boolean } = {}): string {
  return jsonl(
    Array.from({ length: n }, (_, i) => ({
      id: `c${i + 1}`,
      vars: { question: `Ticket ${i + 1}: the code is CODE-${i + 1}.`, ...(options.numbered === false ? {} : { n: String(i + 1) }) },
      ...(options.segments ? { tags: [i % 2 ? 'segment:smb' : 'segment:enterprise'] } : {}),
    })),
  );
}

/** A fake provider started before the tests of the file (or describe) that calls this, closed after them with the temp dirs. */
export function useFakeProvider(options: FakeProviderOptions): { readonly server: FakeProvider } {
  const handle: { server?: FakeProvider } = {};
  beforeAll(async () => {
    handle.server = await startFakeProvider(options);
  });
  afterAll(async () => {
    await handle.server?.close();
    cleanupTempDirs();
  });
  return {
    get server(): FakeProvider {
      if (!handle.server) throw new Error('the fake provider is not started yet: use it inside a test or hook');
      return handle.server;
    },
  };
}
