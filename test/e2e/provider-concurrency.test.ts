// A provider's own concurrency limit: never more calls in flight than it allows, and time spent queued for
// a slot does not count against the per-call timeout.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir, writeFiles, jsonl } from '../helpers/cli.js';
import { useFakeProvider } from '../helpers/suite.js';

const KEY = 'sk-test-provider-concurrency-0123456789';

describe('per-provider concurrency', () => {
  const fake = useFakeProvider({ latencyMs: 300, apiKey: KEY, answer: () => 'ok' });

  it('queues calls for a slot without starting their timeout clock', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'evalspec.yaml': `name: slots
providers:
  openai: { baseURL: "${fake.server.openaiBaseURL}", apiKey: "\${KEY}", concurrency: 1, timeout_ms: 800 }
models: [openai:m1]
prompts: [{ id: p, messages: [{ role: user, content: "{{q}}" }] }]
cases: cases.jsonl
checks: [{ type: contains, value: ok }]
concurrency: 8
retries: { max: 0 }
`,
      'cases.jsonl': jsonl(Array.from({ length: 5 }, (_, i) => ({ id: `c${i}`, vars: { q: `question ${i}` } }))),
    });
    const started = Date.now();
    const result = await runCli(['run', 'evalspec.yaml', '--json', 'out.json', '--no-cache'], { cwd: dir, env: { KEY } });
    // Five 300 ms calls one at a time: the last waits ~1.2 s for its slot, beyond the 800 ms timeout.
    expect(Date.now() - started).toBeGreaterThan(1400);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(fake.server.stats().maxInFlight).toBe(1);
    const report = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'));
    expect(report.results.map((r: { error: unknown }) => r.error)).toEqual([null, null, null, null, null]);
    expect(report.variants[0].passed).toBe(5);
  });
});
