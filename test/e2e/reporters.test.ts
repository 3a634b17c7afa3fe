// The reporter registry (src/report/reporters/): `run` and `show` write the same files through it, the
// flags come from it, and runSuite() drives a caller's own reporter through the same hooks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir, writeFiles, jsonl, cleanupTempDirs } from '../helpers/cli.js';
import { runSuite } from '../../src/pipeline.js';
import { REPORTERS, type Reporter, type RunReport } from '../../src/report/index.js';
import { openStore } from '../../src/store/index.js';
import type { Plan } from '../../src/plan/index.js';

// Three cases, a function: model that passes two (the answer of case c is wrong).
const FILES = {
  'evalspec.yaml': `name: reporters
models: [function:./app.mjs]
cases: cases.jsonl
checks: [{ type: contains, value: "{{expected}}" }]
`,
  'cases.jsonl': jsonl(['a', 'b', 'c'].map((id) => ({ id, vars: { expected: `answer ${id}` } }))),
  'app.mjs': `export default ({ caseId }) => caseId === 'c' ? 'wrong' : 'answer ' + caseId;\n`,
};

describe('reporters', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir();
    writeFiles(dir, FILES);
  });
  afterAll(() => cleanupTempDirs());

  it('run and show write byte-identical JSON, JUnit and Markdown for the same stored run', async () => {
    const run = await runCli(['run', 'evalspec.yaml', '--json', 'run.json', '--junit', 'run.xml', '--md', 'run.md', '--no-progress'], { cwd: dir });
    expect(run.exitCode, run.stderr).toBe(0);
    const runId = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')).runId as string;
    const show = await runCli(['show', runId, '--json', 'show.json', '--junit', 'show.xml', '--md', 'show.md'], { cwd: dir });
    expect(show.exitCode, show.stderr).toBe(0);
    for (const ext of ['json', 'xml', 'md']) {
      expect(readFileSync(join(dir, `show.${ext}`), 'utf8'), ext).toBe(readFileSync(join(dir, `run.${ext}`), 'utf8'));
    }
    // The terminal reporter prints the same summary table in both (2 of 3 cases passed: 66.7%).
    expect(run.stdout).toContain('66.7%');
    expect(show.stdout).toContain('66.7%');
  });

  it('the flags of run and show are the file formats of the registry', async () => {
    for (const command of ['run', 'show']) {
      const help = await runCli([command, '--help'], { cwd: dir });
      for (const flag of ['--json <file>', '--junit <file>', '--md <file>']) expect(help.stdout, `${command} ${flag}`).toContain(flag);
    }
  });

  it('runSuite() calls a caller reporter: onRunStart with the plan, onRunEnd with the report and an open store, after the files', async () => {
    const calls: string[] = [];
    let planned: Plan | undefined;
    let ended: RunReport | undefined;
    let storedResults = -1;
    let jsonWritten = false;
    const mine: Reporter = {
      onRunStart: (plan) => {
        calls.push('start');
        planned = plan;
      },
      onRunEnd: async (report, store) => {
        calls.push('end');
        ended = report;
        jsonWritten = existsSync(join(dir, 'lib.json'));
        storedResults = 0;
        for await (const _ of store.results.list(report.runId)) storedResults++;
      },
    };
    const result = await runSuite(join(dir, 'evalspec.yaml'), { db: join(dir, 'lib.db'), json: join(dir, 'lib.json'), reporters: [mine] });
    expect(calls).toEqual(['start', 'end']);
    expect(Array.from(planned?.cases ?? [], (c) => c.case.id)).toEqual(['a', 'b', 'c']);
    expect(ended?.runId).toBe(result.outcome.runId);
    expect(storedResults).toBe(3);
    expect(jsonWritten).toBe(true);
  });

  it('a built-in terminal reporter from the registry renders a stored run', async () => {
    const db = join(dir, 'lib.db');
    const store = openStore(db, { access: 'read' });
    try {
      const [run] = await store.runs.list({ limit: 1 });
      const { buildRunReport } = await import('../../src/report/index.js');
      const report = await buildRunReport(store, run.id);
      let text = '';
      await REPORTERS.terminal.create({ write: (t) => (text += t), failures: 5 }).onRunEnd(report, store);
      expect(text).toContain(`run ${run.id}`);
      // The failing case c is listed with its output.
      expect(text).toMatch(/· c: .*\n\s+output: wrong/);
    } finally {
      await store.close();
    }
  });

  it('a file reporter created without a file says which one', () => {
    expect(() => REPORTERS.json.create({})).toThrow(/json reporter writes a file/);
  });
});
