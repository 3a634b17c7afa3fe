// examples/pm-skills, run as shipped (the built CLI), with the judge pointed at the loopback fake provider
// through OPENAI_BASE_URL: eight scenarios, a person's written answers (function: reading a Markdown file),
// a five-dimension rubric with anchors, and the gaps printed.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeProvider, type FakeProvider, type FakeRequest } from '../fake-provider/server.js';
import { cleanupTempDirs, REPO, runCli, tempDir, writeFiles } from '../helpers/cli.js';
import { fenced, promptOf, schemaNameOf } from './helpers.js';

const EXAMPLE = join(REPO, 'examples/pm-skills');
const SUITE = join(EXAMPLE, 'evalspec.yaml');
const KEY = 'sk-pm-skills-0123456789';
const SCENARIOS: { id: string; vars: { title: string } }[] = readFileSync(join(EXAMPLE, 'scenarios.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l));
const DIMENSIONS = ['eval_rigor', 'probabilistic_thinking', 'cost_awareness', 'safety_judgement', 'product_judgement'];

/** A deterministic grader: weak on statistics and money in the scenarios that need them most. */
const LEVELS: Record<string, number[]> = {
  'eval-design': [4, 2, 2, 4, 4],
  'model-migration': [3, 2, 2, 3, 4],
  'cost-tradeoff': [2, 2, 2, 3, 3],
  regression: [3, 1, 2, 3, 3],
  'safety-line': [4, 3, 2, 5, 4],
  'rag-failure': [4, 3, 2, 4, 4],
  'agent-autonomy': [4, 3, 3, 5, 4],
  'launch-bar': [3, 2, 2, 4, 4],
};

function grade(req: FakeRequest): string {
  if (schemaNameOf(req) !== 'rubric_scores') throw new Error('unexpected question');
  const input = fenced(promptOf(req), 'input') ?? '';
  const scenario = SCENARIOS.find((s) => input.startsWith(`Scenario "${s.vars.title}":`))!;
  const levels = LEVELS[scenario.id];
  return JSON.stringify(Object.fromEntries(DIMENSIONS.map((d, i) => [d, { reasoning: `${d} on ${scenario.id}`, score: levels[i] }])));
}

describe('examples/pm-skills', () => {
  let fake: FakeProvider;
  beforeAll(async () => {
    fake = await startFakeProvider({ apiKey: KEY, answer: grade });
  });
  afterEach(() => fake.reset());
  afterAll(async () => {
    await fake.close();
    cleanupTempDirs();
  });

  it('scores the sample candidate on five dimensions per scenario and prints the gaps', async () => {
    const dir = tempDir();
    const r = await runCli(['run', SUITE, '--no-progress', '--json', 'out.json'], {
      cwd: dir,
      env: { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: fake.openaiBaseURL },
    });
    expect(r.stderr).not.toContain('internal error');
    expect(r.exitCode).toBe(0);
    // One judge call per scenario, to the model the example names, with the rubric and the answer.
    expect(fake.requests).toHaveLength(8);
    const req = fake.requests.find((q) => fenced(promptOf(q), 'input')?.includes('Moving the summariser'))!;
    expect(req.model).toBe('gpt-4o');
    expect(Object.keys(req.body.response_format.json_schema.schema.properties)).toEqual(DIMENSIONS);
    const prompt = promptOf(req);
    expect(prompt).toContain('Dimension "probabilistic_thinking": how the answer treats noisy, non-deterministic evidence');
    expect(prompt).toContain('  1: Treats single numbers or anecdotes as facts.');
    expect(prompt).toContain('A strong answer to this scenario covers: a paired comparison of both models');
    expect(fenced(prompt, 'output')).toContain('"looks about the same" from one engineer is not a test');

    // Each dimension is its own metric; the judges section shows the means, lowest first, and the gaps.
    const json = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'));
    expect(json.results).toHaveLength(8);
    expect(json.results[0].checks.map((c: { metric: string }) => c.metric)).toEqual(DIMENSIONS);
    expect(r.stdout).toContain(
      'candidate: cost_awareness 2.1/5 (gap) · probabilistic_thinking 2.3/5 (gap) · eval_rigor 3.4/5 · product_judgement 3.8/5 · safety_judgement 3.9/5',
    );
    expect(r.stdout).not.toContain('warning:');
    expect(r.stdout).toContain('gap in cost_awareness: lowest on cost-tradeoff (2), eval-design (2), launch-bar (2)');
    expect(r.stdout).toContain('gap in probabilistic_thinking: lowest on regression (1), cost-tradeoff (2), eval-design (2)');
    expect(r.stdout).not.toContain('gap in product_judgement');
  });

  it('PM_ANSWERS: your own answers file', async () => {
    const dir = tempDir();
    const mine = SCENARIOS.map((s) => `## ${s.id}\n\nMy answer to ${s.id}: measure it on the same cases with an interval.\n`).join('\n');
    writeFiles(dir, { 'mine.md': mine });
    const r = await runCli(['run', SUITE, '--no-progress'], {
      cwd: dir,
      env: { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: fake.openaiBaseURL, PM_ANSWERS: 'mine.md' },
    });
    expect(r.exitCode).toBe(0);
    expect(fake.requests.map((q) => fenced(promptOf(q), 'output')).sort()).toEqual(
      SCENARIOS.map((s) => `My answer to ${s.id}: measure it on the same cases with an interval.`).sort(),
    );
  });

  it('without a judge key it stops before any call and says which variable to set', async () => {
    const dir = tempDir();
    const r = await runCli(['run', SUITE, '--no-progress'], { cwd: dir, env: { OPENAI_BASE_URL: fake.openaiBaseURL } });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('error[API_KEY_MISSING]');
    expect(r.stderr).toContain('OPENAI_API_KEY');
    expect(fake.requests).toHaveLength(0);
  });
});
