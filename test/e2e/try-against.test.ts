// `evalspec try` and `evalspec run --against` through the built CLI (issue #20), against the fake provider: try prints
// the rendered messages, the output, each check and the call's figures and exits by verdict (0 pass, 1 a check failed,
// 3 an error, 2 an unknown case with close ids); `run --model <new ref> --against latest` pays only the new model's
// calls (counted by the fake provider), reuses the stored variant's and compares the two paired in its report.
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { runCli, tempDir, writeFiles } from '../helpers/cli.js';
import { openAiSuite, ticketCases, useFakeProvider } from '../helpers/suite.js';
import type { FakeRequest } from '../fake-provider/server.js';

const KEY = 'sk-try-against-key-0123456789';
const env = { OPENAI_API_KEY: KEY };
const caseNumber = (req: Pick<FakeRequest, 'messages'>): number => Number(/Ticket (\d+):/.exec(req.messages.at(-1)!.content)![1]);
// gpt-4o-mini misses the code of case 2 (that case fails); case 3 is answered with a terminal escape sequence; the
// question "boom" is a server error (no retries in the suite).
const fake = useFakeProvider({
  apiKey: KEY,
  // Streamed answers paced (their first words reach the client before a break cuts the connection).
  chunkDelayMs: 5,
  answer: (req) => {
    const n = caseNumber(req);
    if (n === 3) return 'the code is CODE-3 \u001b[31mred\u001b[0m';
    return req.model === 'gpt-4o-mini' && n === 2 ? 'no idea' : `the code is CODE-${n}`;
  },
  fault: (req) => {
    const text = req.messages.at(-1)!.content;
    if (text.includes('boom')) return { kind: '500' };
    // "flaky": the first attempt's stream breaks after its first words (a classed error, retried).
    return text.includes('flaky') && req.attempt === 1 ? { kind: 'break', afterChunks: 4 } : undefined;
  },
});
afterEach(() => fake.server.reset());

function setUp(extra = ''): string {
  const dir = tempDir();
  writeFiles(dir, {
    'evalspec.yaml': openAiSuite({
      name: 'try-against',
      url: fake.server.openaiBaseURL,
      models: '[openai:gpt-4o-mini]',
      checks: '[{ type: contains, value: "CODE-{{n}}" }]',
      extra: `retries: { max: 0 }\n${extra}`,
    }),
    'cases.jsonl': ticketCases(4),
  });
  return dir;
}

describe('evalspec try', () => {
  it('prints the rendered messages, the output, each check and the figures; exit 0 when every check passed', async () => {
    const dir = setUp();
    const r = await runCli(['try', 'evalspec.yaml', '--case', 'c1'], { cwd: dir, env });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('── case c1 · gpt-4o-mini');
    expect(r.stdout).toContain('[user]\n  Ticket 1: the code is CODE-1.');
    expect(r.stdout).toMatch(/output:\n {2}the code is CODE-1\n/);
    expect(r.stdout).toMatch(/✓ contains {2}pass {2}score 1\.00/);
    // Streamed: the time to first token is measured (≤ the latency; str's run/stream-call.ts).
    const [, latency, ttft] = /latency ([\d.]+)ms · TTFT ([\d.]+)ms · tokens \d+ in \/ \d+ out · cost \$/.exec(r.stdout)!;
    expect(Number(ttft)).toBeLessThanOrEqual(Number(latency));
    expect(r.stdout).toMatch(/try: 1 result: 1 passed, 0 failed, 0 errors\nstored in .* as run \S+ \(label try\)/);
    expect(fake.server.requests).toHaveLength(1);
  });

  it('exit 1 when a check failed; several cases and an ad-hoc model; --var overrides a case variable', async () => {
    const dir = setUp();
    const r = await runCli(['try', 'evalspec.yaml', '--case', 'c2', 'c3', '--model', 'gpt-4o-mini', 'openai:gpt-4o'], { cwd: dir, env });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/── case c2 · gpt-4o-mini[\s\S]*✗ contains {2}fail/);
    expect(r.stdout).toContain('── case c2 · openai:gpt-4o');
    // The escape sequence of the model's answer never reaches the terminal.
    expect(r.stdout).not.toContain('\u001b');
    expect(r.stdout).toContain('try: 4 results: 3 passed, 1 failed, 0 errors');
    expect(fake.server.requests.map((q) => q.model).sort()).toEqual(['gpt-4o', 'gpt-4o', 'gpt-4o-mini', 'gpt-4o-mini']);

    fake.server.reset();
    const v = await runCli(['try', 'evalspec.yaml', '--case', 'c1', '--var', 'question=Ticket 1: boom', '--no-cache'], { cwd: dir, env });
    expect(v.stdout).toContain('[user]\n  Ticket 1: boom');
    expect(v.stdout).toMatch(/error \(server\)/);
    expect(v.exitCode).toBe(3);
  });

  it('a stream that breaks part-way is retried and says the output starts again', async () => {
    const dir = setUp();
    writeFiles(dir, {
      'evalspec.yaml': readFileSync(join(dir, 'evalspec.yaml'), 'utf8').replace('retries: { max: 0 }', 'retries: { max: 2, base_ms: 1, max_ms: 2 }'),
    });
    const r = await runCli(['try', 'evalspec.yaml', '--case', 'c1', '--var', 'question=Ticket 1: flaky'], { cwd: dir, env });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/output:\n[\s\S]*\[attempt 1 failed \(\S+\); retrying in \S+: the output starts again\]\n {2}the code is CODE-1\n/);
    expect(fake.server.requests).toHaveLength(2);
  });

  it('an unknown case id is a usage error naming the suite file and the close ids; nothing is called', async () => {
    const dir = setUp();
    const r = await runCli(['try', 'evalspec.yaml', '--case', 'c5'], { cwd: dir, env });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`error[USAGE] ${join(dir, 'evalspec.yaml')}: --case c5: no such case id in the suite`);
    expect(r.stderr).toMatch(/fix: close ids: c1/);
    expect(fake.server.requests).toHaveLength(0);
  });
});

describe('evalspec run --against', () => {
  it('calls only the new model (cases × repeats), reuses the stored variant and reports the paired comparison', async () => {
    const dir = setUp('repeat: 2\n');
    const first = await runCli(['run', 'evalspec.yaml', '--no-progress'], { cwd: dir, env });
    expect(first.exitCode).toBe(0);
    const firstId = /as run (\S+);/.exec(first.stdout)![1];
    // A try in between is not what `latest` compares with.
    await runCli(['try', 'evalspec.yaml', '--case', 'c1', '--model', 'openai:gpt-4o'], { cwd: dir, env });
    fake.server.reset();

    const r = await runCli(
      ['run', 'evalspec.yaml', '--model', 'openai:gpt-4o', '--against', 'latest', '--no-progress', '--no-cache', '--json', 'report.json'],
      {
        cwd: dir,
        env,
      },
    );
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    // 4 cases × 2 repeats of the new model, nothing of the stored one.
    expect(fake.server.requests.map((q) => q.model)).toEqual(Array(8).fill('gpt-4o'));
    expect(r.stdout).toContain(`against run ${firstId}: 8 results reused, 8 new calls`);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    expect(report.variants.map((v: { id: string }) => v.id)).toEqual(['gpt-4o-mini', 'openai:gpt-4o']);
    // Paired over the 4 cases: the stored variant fails case 2 on both repeats, the new model passes everything:
    // per-case differences 0, 1, 0, 0 → +0.25.
    expect(report.comparisons[0]).toMatchObject({ baseline: 'gpt-4o-mini', variant: 'openai:gpt-4o' });
    expect(report.comparisons[0].difference).toBeCloseTo(0.25, 9);
  });

  it('--dry-run --against estimates only the calls that would not be reused', async () => {
    const dir = setUp();
    await runCli(['run', 'evalspec.yaml', '--no-progress'], { cwd: dir, env });
    const r = await runCli(['run', 'evalspec.yaml', '--model', 'gpt-4o-mini', 'openai:gpt-4o', '--against', 'latest', '--dry-run', '--json', 'estimate.json'], {
      cwd: dir,
      env,
    });
    expect(r.exitCode).toBe(0);
    const estimate = JSON.parse(readFileSync(join(dir, 'estimate.json'), 'utf8'));
    expect(estimate.calls).toBe(4);
  });
});
