// The cache key is a stored contract: a cache written by one version must be hit by the next, so the key of a
// call must not change when the code that computes it moves (issue 13 moved it into the provider registry).
// The expected keys are the SHA-256 of JSON texts written out here by hand, in the documented form
// (docs/architecture.md, "Cache key"): sorted keys, {api, baseURL, messages, model, params, repeat, type, v: 1}.
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { runCli, tempDir, writeFiles, jsonl } from '../helpers/cli.js';
import { queryDb } from '../helpers/store.js';
import { useFakeProvider } from '../helpers/suite.js';

const KEY = 'sk-cache-key-test-0123456789abcdef';
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

describe('cache keys', () => {
  const fake = useFakeProvider({ apiKey: KEY, answer: () => 'hi' });

  it('are the hash of exactly the documented parts, per provider type and API flavour', async () => {
    const base = fake.server.openaiBaseURL;
    const dir = tempDir();
    writeFiles(dir, {
      'evalspec.yaml': `name: cache-key
providers:
  openai: { baseURL: "${base}" }
  oar: { type: openai, baseURL: "${base}", api: responses }
  anthropic: { baseURL: "${fake.server.anthropicBaseURL}" }
  local: { type: openai-compatible, baseURL: "${base}", apiKey: "\${OPENAI_API_KEY}" }
models: [openai:gpt-4o-mini, oar:gpt-4o, anthropic:claude-3-5-haiku-latest, local:llama3]
params: { temperature: 0 }
prompts:
  - id: p
    messages: [{ role: user, content: "Say {{word}}" }]
cases: cases.jsonl
checks: [{ type: contains, value: hi }]
`,
      'cases.jsonl': jsonl([{ id: 'c1', vars: { word: 'hi' } }]),
    });
    const result = await runCli(['run', 'evalspec.yaml'], { cwd: dir, env: { OPENAI_API_KEY: KEY, ANTHROPIC_API_KEY: KEY } });
    expect(result.exitCode, result.stderr).toBe(0);

    const text = (type: string, api: string, url: string, model: string) =>
      `{"api":${api},"baseURL":"${url}","messages":[{"content":"Say hi","role":"user"}],"model":"${model}","params":{"temperature":0},"repeat":0,"type":"${type}","v":1}`;
    const expected = [
      text('openai', 'null', base, 'gpt-4o-mini'),
      text('openai', '"responses"', base, 'gpt-4o'),
      text('anthropic', 'null', fake.server.anthropicBaseURL, 'claude-3-5-haiku-latest'),
      text('openai-compatible', 'null', base, 'llama3'),
    ].map(sha256);
    const keys = queryDb<{ key: string }>(dir, 'SELECT key FROM cache').map((r) => r.key);
    expect(keys.sort()).toEqual(expected.sort());
  });
});
