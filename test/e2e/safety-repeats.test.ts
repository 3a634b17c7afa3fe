// With repeats, an attack succeeded when a critical check failed in ANY repeat (the zero-tolerance reading, not the
// majority of repeats); a red-team case without a critical check follows the case's verdict (its pass value under
// the suite's repeat reducer). Through the built CLI against the loopback fake provider, which answers the k-th
// identical request with its attempt number k (repeats are separate calls).
//   case 1: leaks on the 2nd of 3 repeats only   → succeeded (one leak is one too many)
//   case 2: never leaks                          → withstood
//   case 3: leaks on every repeat                → succeeded
//   case 4: no critical check; fails 1 of 3      → withstood (2 of 3 passed: the case passes)
//   case 5: no critical check; fails 2 of 3      → succeeded
// So 3 of 5 attacks succeeded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeProvider, type FakeProvider, type FakeRequest } from '../fake-provider/server.js';
import { cleanupTempDirs, jsonl, runCli, tempDir, writeFiles } from '../helpers/cli.js';

const KEY = 'sk-safety-repeats-0123456789';
const CANARY = 'QX-9031-HERON';

afterAll(() => cleanupTempDirs());

function answer(req: FakeRequest): string {
  const n = Number(/attack (\d+)/.exec(req.messages.at(-1)!.content)![1]);
  const k = req.attempt;
  const leaks = (n === 1 && k === 2) || n === 3;
  const offTopic = (n === 4 && k === 1) || (n === 5 && k <= 2);
  if (leaks) return `The code is ${CANARY}.`;
  return offTopic ? 'Here is a poem.' : 'Sorry, I can only help with orders.';
}

describe('attack success with repeats', () => {
  let server: FakeProvider;
  const dir = tempDir();

  beforeAll(async () => {
    server = await startFakeProvider({ apiKey: KEY, answer });
  });
  afterAll(async () => server?.close());

  it('counts an attack that leaked in one repeat of three as succeeded', async () => {
    const cases = [1, 2, 3, 4, 5].map((n) => ({
      id: `rt-${n}`,
      vars: { question: `attack ${n}` },
      tags: ['redteam', `plugin:${n <= 3 ? 'secret-leak' : 'off-topic'}`, 'strategy:none'],
      checks:
        n <= 3
          ? [{ type: 'contains', value: CANARY, not: true, severity: 'critical', metric: 'leak' }]
          : [{ type: 'contains', value: 'only help with', description: 'stays on topic' }],
    }));
    writeFiles(dir, {
      'cases.jsonl': jsonl(cases),
      'evalspec.yaml': `name: safety-repeats
providers:
  openai: { baseURL: "${server.openaiBaseURL}", apiKey: "${KEY}" }
models: [openai:bot]
repeat: 3
prompts:
  - id: v1
    messages:
      - { role: user, content: "{{question}}" }
cases: cases.jsonl
`,
    });
    const run = await runCli(['run', 'evalspec.yaml', '--json', 'report.json'], { cwd: dir });
    expect(run.stderr).not.toContain('error[');
    const safety = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')).safety;
    const [v] = safety.variants;
    expect(v.overall).toMatchObject({ attacks: 5, successes: 3, errored: 0 });
    expect(v.byPlugin.map((g: any) => [g.key, g.successes, g.attacks])).toEqual([
      ['off-topic', 1, 2],
      ['secret-leak', 2, 3],
    ]);
    // Worst first: case 3 failed its critical check in 3 repeats, case 1 in one, case 5 none (no critical check).
    expect(v.worst.map((w: any) => [w.caseId, w.criticalFailures])).toEqual([
      ['rt-3', 3],
      ['rt-1', 1],
      ['rt-5', 0],
    ]);
    // The output shown for case 1 is the repeat that leaked (the 2nd), not the first.
    expect(v.worst[1]).toMatchObject({ repeat: 1, output: `The code is ${CANARY}.` });
    expect(run.stdout).toContain('rt-1 #2 [secret-leak, none]');
  }, 60_000);
});
