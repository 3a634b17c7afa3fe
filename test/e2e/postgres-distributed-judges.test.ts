// Judges in a distributed run (issue #14 item 3), built CLI on the test PostgreSQL: workers score each item fully,
// LLM judge checks included, as a single-process run does; pairwise checks against another variant are scored by
// the coordinating process after the last job, over the stored results. Each judge call is made once. A warning
// a worker meets (the AI SDK's, at an openai-compatible judge's first call) is stored with the run, once.
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import type { FakeRequest } from '../fake-provider/server.js';
import { cleanupTempDirs, runCli, startCli, tempDir, writeFiles } from '../helpers/cli.js';
import { createPgDatabase, pgQuery, pgTestMode, pgUnavailableReason } from '../helpers/pg.js';
import { openAiSuite, ticketCases, useFakeProvider } from '../helpers/suite.js';
import { schemaNameOf } from '../judges/helpers.js';

const KEY = 'sk-distributed-judges-0123456789';
const N = 30;
const SCHEMA_WARNING = "not asked to enforce the judge's answer schema";
const mode = pgTestMode();

describe.skipIf(mode === 'skip')('judges in a distributed run', () => {
  if (mode === 'skip') console.warn(`skipping the distributed judge e2e test: ${pgUnavailableReason()}`);
  const fake = useFakeProvider({
    apiKey: KEY,
    latencyMs: 2,
    answer: (req: FakeRequest) => {
      // An openai-compatible judge (json_object, no schema name: the AI SDK warns the schema is not enforced).
      if (req.model === 'llama-judge') return JSON.stringify({ reasoning: 'gives the code', verdict: 'pass', score: 1 });
      if (schemaNameOf(req) === 'judge_verdict') return JSON.stringify({ reasoning: 'gives the code', verdict: 'pass', score: 1 });
      if (schemaNameOf(req) !== undefined) return JSON.stringify({ reasoning: 'same', winner: 'tie' });
      // The model's name in its answer: two models' judge requests differ (identical ones would be served by the judge cache).
      return `${req.model} says: your code is CODE-${/Ticket (\d+):/.exec(req.messages.at(-1)!.content)![1]}`;
    },
  });
  const workers: ChildProcess[] = [];
  /** `n` worker processes on the store at `db`, their output drained. */
  const startWorkers = (n: number, concurrency: number, dir: string, db: string, env: Record<string, string>) => {
    for (let i = 0; i < n; i++) {
      const w = startCli(['worker', '--concurrency', String(concurrency), '--db', db], { cwd: dir, env });
      w.stdout!.resume();
      w.stderr!.resume();
      workers.push(w);
    }
  };
  afterAll(async () => {
    for (const w of workers) if (w.exitCode === null && w.signalCode === null) (w.kill('SIGTERM'), await once(w, 'exit'));
    cleanupTempDirs();
  });

  it('workers judge every item, the coordinator scores the pairwise phase; every judge call made once', async () => {
    if (mode === 'fail') throw new Error(`the distributed judge e2e test cannot run under CI: ${pgUnavailableReason()}`);
    const dir = tempDir();
    writeFiles(dir, {
      'evalspec.yaml': openAiSuite({
        name: 'distributed-judges',
        url: fake.server.openaiBaseURL,
        models: '[openai:gpt-4o-mini, openai:gpt-4.1-mini]',
        extra: `concurrency: 4
checks:
  - { type: judge, judge: openai:gpt-4o, rubric: "The answer gives the ticket's code." }
  - { type: pairwise, judge: openai:gpt-4o, against: gpt-4o-mini }
`,
      }),
      'cases.jsonl': ticketCases(N, { numbered: false }),
    });
    const db = await createPgDatabase();
    const env = { OPENAI_API_KEY: KEY };
    startWorkers(2, 4, dir, db, env);
    const run = await runCli(['run', 'evalspec.yaml', '--distributed', '--no-work', '--batch', '10', '--json', 'out.json', '--no-progress', '--db', db], {
      cwd: dir,
      env,
      timeoutMs: 120_000,
    });
    expect(run.exitCode, run.stderr).toBe(0);

    const answered = fake.server.requests.filter((r) => r.status === 200);
    // By hand: 30 cases × 2 models = 60 model calls and 60 rubric-judge calls (one per result); the pairwise check
    // compares gpt-4.1-mini's 30 results with gpt-4o-mini's (not a variant with itself), in both orders: 60 calls.
    expect(answered.filter((r) => schemaNameOf(r) === undefined)).toHaveLength(2 * N);
    expect(answered.filter((r) => schemaNameOf(r) === 'judge_verdict')).toHaveLength(2 * N);
    expect(answered.filter((r) => schemaNameOf(r) !== undefined && schemaNameOf(r) !== 'judge_verdict')).toHaveLength(2 * N);

    const report = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as {
      status: string;
      results: { variantId: string; pass: boolean; checks: { type: string; pass: boolean | null }[] }[];
    };
    expect(report.status).toBe('completed');
    const judged = report.results.filter((r) => r.checks.some((c) => c.type === 'judge' && c.pass === true));
    expect(judged).toHaveLength(2 * N);
    // A tie passes under the default pass_on (win-or-tie): every gpt-4.1-mini result has its pairwise verdict.
    const pairwise = report.results.filter((r) => r.checks.some((c) => c.type === 'pairwise' && c.pass === true));
    expect(pairwise.map((r) => r.variantId)).toEqual(Array(N).fill('gpt-4.1-mini'));
  }, 180_000);

  it("a warning raised inside a worker's job is stored with the run once, and show lists it", async () => {
    if (mode === 'fail') throw new Error(`the distributed judge e2e test cannot run under CI: ${pgUnavailableReason()}`);
    const dir = tempDir();
    writeFiles(dir, {
      'evalspec.yaml': `name: distributed-warnings
providers:
  openai: { baseURL: "${fake.server.openaiBaseURL}", apiKey: "\${OPENAI_API_KEY}" }
  local: { type: openai-compatible, baseURL: "${fake.server.openaiBaseURL}", apiKey: "\${OPENAI_API_KEY}" }
models: [openai:gpt-4o-mini]
prompts: [{ id: v1, messages: [{ role: user, content: "{{question}}" }] }]
cases: cases.jsonl
checks:
  - { type: judge, judge: local:llama-judge, rubric: "The answer gives the ticket's code." }
`,
      'cases.jsonl': ticketCases(12, { numbered: false }),
    });
    const db = await createPgDatabase();
    const env = { OPENAI_API_KEY: KEY };
    startWorkers(2, 2, dir, db, env);
    // --no-work: only the workers call the judge, so only they meet the warning; jobs of 4 items: 3 jobs.
    const run = await runCli(['run', 'evalspec.yaml', '--distributed', '--no-work', '--batch', '4', '--no-progress', '--db', db], {
      cwd: dir,
      env,
      timeoutMs: 120_000,
    });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    const [{ id, warnings_json }] = await pgQuery<{ id: string; warnings_json: string }>(
      db,
      "SELECT id, warnings_json FROM runs WHERE suite_name = 'distributed-warnings'",
    );
    const stored = (JSON.parse(warnings_json) as string[]).filter((w) => w.includes(SCHEMA_WARNING));
    expect(stored).toHaveLength(1); // each job's worker met it; stored once
    const shown = await runCli(['show', id, '--db', db], { cwd: dir });
    expect(shown.exitCode, shown.stderr).toBe(0);
    expect(shown.stdout).toContain(SCHEMA_WARNING);
  }, 180_000);
});
