// Judge calls share run/'s one call-with-retries with model calls, so a judge provider's own concurrency limit
// works like a model provider's (provider-concurrency.test.ts): never more judge calls in flight than it
// allows, and time spent queued for a slot does not count against the judge call's timeout.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonl, runCli, tempDir, writeFiles } from '../helpers/cli.js';
import { schemaNameOf } from '../judges/helpers.js';
import { useFakeProvider } from '../helpers/suite.js';

const KEY = 'sk-judge-provider-concurrency-0123456789';
const CASES = 5;

describe('a judge provider with its own concurrency', () => {
  const fake = useFakeProvider({
    latencyMs: 300,
    apiKey: KEY,
    answer: (req) => (schemaNameOf(req) === 'judge_verdict' ? JSON.stringify({ reasoning: 'gives the code', verdict: 'pass', score: 1 }) : 'not a judge call'),
  });

  it('queues judge calls for a slot without starting their timeout clock', async () => {
    const dir = tempDir();
    // The outputs are replayed, so every request the fake provider sees is a judge call.
    writeFiles(dir, {
      'evalspec.yaml': `name: judge-slots
providers:
  openai: { baseURL: "${fake.server.openaiBaseURL}", apiKey: "\${KEY}", concurrency: 1, timeout_ms: 800 }
models: [replay:out.jsonl]
cases: cases.jsonl
checks:
  - { type: judge, judge: openai:gpt-4o, rubric: "The answer gives the ticket's code." }
concurrency: 8
retries: { max: 0 }
`,
      'cases.jsonl': jsonl(Array.from({ length: CASES }, (_, i) => ({ id: `c${i}`, vars: { q: `Ticket ${i}` } }))),
      'out.jsonl': jsonl(Array.from({ length: CASES }, (_, i) => ({ id: `c${i}`, output: `Your code: CODE-${i}` }))),
    });
    const result = await runCli(['run', 'evalspec.yaml', '--json', 'out.json', '--no-cache'], { cwd: dir, env: { KEY } });
    // Five 300 ms judge calls one at a time: the third waits ~600 ms for its slot and the fifth ~1.2 s, so with
    // the clock started before the wait (the bug), calls 3–5 pass the 800 ms timeout and end as judge-errors.
    expect(result.exitCode, result.stderr).toBe(0);
    expect(fake.server.stats().maxInFlight).toBe(1);
    expect(fake.server.stats().total).toBe(CASES); // one judge call per case
    const report = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'));
    expect(report.results.map((r: { error: unknown }) => r.error)).toEqual(Array(CASES).fill(null));
    expect(report.variants[0].passed).toBe(CASES);
  });
});
