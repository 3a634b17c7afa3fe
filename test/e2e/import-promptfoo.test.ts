// `evalspec import promptfoo` on twelve of promptfoo's own example configs (test/fixtures/promptfoo, MIT, see
// NOTICE.md), through the built CLI: each imports fully, partly or not at all with the exit code that says so,
// every item not carried over is listed with its file and line, and every imported suite RUNS against the
// loopback fake provider with its checks evaluated.
import { describe, expect, it } from 'vitest';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { REPO, runCli, tempDir } from '../helpers/cli.js';
import { jsonReportSchema } from '../helpers/report-schema.js';
import { useFakeProvider } from '../helpers/suite.js';
import { schemaNameOf } from '../judges/helpers.js';

const KEY = 'sk-import-promptfoo-0123456789';
const FIXTURES = join(REPO, 'test/fixtures/promptfoo');

interface Expected {
  status: 'full' | 'partial' | 'none';
  /** Each item not carried over: "file:line" (relative to the fixtures folder) and the promptfoo key or type it names. */
  dropped: [string, string][];
  /** Results of the run: cases × variants (models × prompts), and the checks on each result. */
  results?: number;
  checksPerResult?: number[];
}

const EXPECTED: Record<string, Expected> = {
  'getting-started': { status: 'full', dropped: [], results: 2 * 2 * 2, checksPerResult: [1] },
  'simple-csv': {
    status: 'partial',
    // Both placeholders of the first prompt use a filter (`style_config | load`): that prompt is left out.
    dropped: [
      ['simple-csv/prompts.txt:1', 'style_config | load'],
      ['simple-csv/prompts.txt:1', 'style_config | load'],
    ],
    results: 4,
    checksPerResult: [1],
  },
  'json-output': {
    status: 'partial',
    dropped: [
      ['json-output/promptfooconfig.yaml:22', 'options.transform'],
      ['json-output/promptfooconfig.yaml:39', 'assert[2].transform'],
    ],
    results: 2,
    checksPerResult: [2, 3],
  },
  'javascript-assert-external': { status: 'full', dropped: [], results: 4, checksPerResult: [1] },
  'jsonl-test-cases': { status: 'full', dropped: [], results: 2, checksPerResult: [1] },
  'eval-self-grading': { status: 'full', dropped: [], results: 2 * 2, checksPerResult: [2] },
  'eval-customer-support-rubric': { status: 'full', dropped: [], results: 8, checksPerResult: [5] },
  'simple-test': {
    status: 'partial',
    dropped: [
      ['simple-test/promptfooconfig.yaml:34', 'type: python'],
      ['simple-test/promptfooconfig.yaml:38', 'type: similar'],
    ],
    results: 5 * 2,
    checksPerResult: [1, 2],
  },
  'claude-vs-gpt': {
    status: 'partial',
    dropped: [
      ['claude-vs-gpt/prompt.yaml:1', 'cache_control'],
      ['claude-vs-gpt/promptfooconfig.yaml:24', 'config.cache_control'],
    ],
    results: 15 * 2,
    checksPerResult: [3, 4, 5],
  },
  'csv-metadata': { status: 'full', dropped: [], results: 3, checksPerResult: [2] },
  'multiple-turn-conversation': { status: 'none', dropped: [['multiple-turn-conversation/prompt.json:1', 'prompts[0]']] },
  'python-provider': { status: 'none', dropped: [['python-provider/promptfooconfig.yaml:6', 'python:provider.py']] },
};

const EXIT = { full: 0, partial: 5, none: 6 } as const;

describe('evalspec import promptfoo on promptfoo example configs (built CLI, fake provider)', () => {
  const fake = useFakeProvider({
    apiKey: KEY,
    // Judges fail every output (so the case threshold decides), anything else gets a fixed answer.
    answer: (req) =>
      schemaNameOf(req) === 'judge_verdict'
        ? JSON.stringify({ reasoning: 'does not meet the rubric', verdict: 'fail', score: 0 })
        : { text: 'Bonjour le monde! Ahoy, arrr: echo', inputTokens: 20, outputTokens: 10 },
  });

  for (const [name, expected] of Object.entries(EXPECTED)) {
    it(`${name}: imports ${expected.status === 'none' ? 'nothing runnable' : expected.status === 'full' ? 'fully, and runs' : 'partly, and runs'}`, async () => {
      const dir = tempDir();
      cpSync(FIXTURES, join(dir, 'fixtures'), { recursive: true });
      const cwd = join(dir, 'fixtures');
      const result = await runCli(['import', 'promptfoo', `${name}/promptfooconfig.yaml`, '--out', join(dir, 'out')], { cwd });
      expect(result.stderr).toBe('');
      expect(result.exitCode, result.stdout).toBe(EXIT[expected.status]);
      const notes = readFileSync(join(dir, 'out/IMPORT.md'), 'utf8');
      expect(notes).toContain(`Status: **${expected.status}**`);
      expect(notes).toContain(`## Not carried over (${expected.dropped.length})`);
      // Every dropped item: in the terminal with its file:line and key, and in IMPORT.md.
      for (const [where, key] of expected.dropped) {
        const line = result.stdout.split('\n').find((l) => l.trimStart().startsWith(`${where} `) && l.includes(key));
        expect(line, `${where} ${key} in:\n${result.stdout}`).toBeDefined();
        expect(notes).toContain(where);
      }
      expect(result.stdout.match(/^ {6}fix: /gm)?.length ?? 0).toBe(expected.dropped.length);
      if (expected.status === 'none') return;

      // Point the imported suite's providers at the fake server, then run it.
      const suitePath = join(dir, 'out/evalspec.yaml');
      const suite = parse(readFileSync(suitePath, 'utf8'));
      suite.providers = {
        openai: { baseURL: fake.server.openaiBaseURL, apiKey: '${KEY}' },
        anthropic: { baseURL: fake.server.anthropicBaseURL, apiKey: '${KEY}' },
      };
      writeFileSync(suitePath, stringify(suite));
      for (const c of Array.isArray(suite.cases) ? suite.cases : []) {
        expect(c.provenance).toMatchObject({ source: 'promptfoo', file: expect.stringMatching(new RegExp(`^${name}/`)), line: expect.any(Number) });
      }
      const run = await runCli(['run', 'evalspec.yaml', '--json', 'report.json', '--no-progress', '--no-cache'], { cwd: join(dir, 'out'), env: { KEY } });
      expect(run.stderr).not.toContain('error[');
      expect([0, 1]).toContain(run.exitCode);
      const report = jsonReportSchema.parse(JSON.parse(readFileSync(join(dir, 'out/report.json'), 'utf8')));
      expect(report.results).toHaveLength(expected.results!);
      for (const r of report.results) {
        expect(r.error, JSON.stringify(r)).toBeNull();
        expect(expected.checksPerResult).toContain(r.checks.length);
        for (const check of r.checks) expect(check.error, JSON.stringify(check)).toBeUndefined();
      }
      if (name === 'jsonl-test-cases') {
        // The echo model answers with the rendered prompt, which is what the promptfoo tests expect.
        expect(report.results.map((r) => r.pass)).toEqual([true, true]);
      }
      if (name === 'eval-customer-support-rubric') {
        // Every judge fails; the rows whose __threshold is 0 still pass (promptfoo's test threshold), the others fail.
        const passed = report.results.filter((r) => r.pass).map((r) => r.caseId);
        expect(passed.sort()).toEqual(['t4', 't5', 't7']);
      }
    });
  }
});
