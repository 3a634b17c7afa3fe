// `evalspec view --db postgres://…`: the viewer works unchanged on the team store. A run made on SQLite and copied
// into PostgreSQL (`store copy`) is served with the same answers by a viewer on each store (runs list, run page,
// full report, results table, case page, comparison), and a label saved through the PostgreSQL viewer is stored
// there (read back with `labels list`).
import type { ChildProcess } from 'node:child_process';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startFakeProvider } from '../fake-provider/server.js';
import { cleanupTempDirs, jsonl, runCli, startCli, tempDir, writeFiles } from '../helpers/cli.js';
import { createPgDatabase, pgTestMode, pgUnavailableReason } from '../helpers/pg.js';

const KEY = 'sk-pg-viewer-key-0123456789';
const mode = pgTestMode();
const children: ChildProcess[] = [];

function startView(db: string, cwd: string): Promise<{ child: ChildProcess; url: string }> {
  const child = startCli(['--db', db, 'view', '--labeller', 'pat'], { cwd });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL printed: ${stdout} ${stderr}`)), 20_000);
    child.stdout!.on('data', (d) => {
      stdout += d;
      const m = /open (http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(stdout);
      if (m && stdout.includes('Ctrl-C to stop')) {
        clearTimeout(timer);
        resolve({ child, url: m[1] });
      }
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
  });
}

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});
afterAll(cleanupTempDirs);

describe.skipIf(mode === 'skip')('the viewer on the PostgreSQL store', () => {
  it('answers like the viewer on SQLite for a copied run, and stores labels in PostgreSQL', async () => {
    if (mode === 'fail') throw new Error(`the PostgreSQL viewer test cannot run under CI: ${pgUnavailableReason()}`);
    const server = await startFakeProvider({
      apiKey: KEY,
      latencyMs: 2,
      answer: (req) => (req.model === 'small' && req.messages.at(-1)!.content.includes('3') ? 'no' : 'CODE'),
    });
    try {
      const dir = tempDir();
      writeFiles(dir, {
        'evalspec.yaml': `name: viewer-pg
providers:
  openai: { baseURL: "${server.openaiBaseURL}", apiKey: "\${OPENAI_API_KEY}" }
models: [openai:small, openai:large]
prompts: [{ id: v1, messages: [{ role: user, content: "{{q}}" }] }]
cases: cases.jsonl
checks: [{ type: contains, value: CODE }]
`,
        'cases.jsonl': jsonl(Array.from({ length: 30 }, (_, i) => ({ id: `c${i}`, tags: [`segment:s${i % 2}`], vars: { q: `question ${i}` } }))),
      });
      const env = { OPENAI_API_KEY: KEY };
      const run = await runCli(['run', 'evalspec.yaml', '--json', 'out.json'], { cwd: dir, env });
      expect(run.exitCode, run.stderr).toBe(0);
      const url = await createPgDatabase();
      const copy = await runCli(['store', 'copy', '--from', '.evalspec/evalspec.db', '--to', url], { cwd: dir });
      expect(copy.exitCode, copy.stderr).toBe(0);

      const [onSqlite, onPg] = await Promise.all([startView('.evalspec/evalspec.db', dir), startView(url, dir)]);
      const get = async (base: string, path: string) => {
        const response = await fetch(`${base}${path}`);
        expect(response.status, path).toBe(200);
        return response.json();
      };
      const runs = (await get(onPg.url, 'api/runs')) as { runs: { id: string }[] };
      expect(runs.runs).toHaveLength(1);
      const id = runs.runs[0].id;
      const paths = [
        'api/runs',
        `api/runs/${id}`,
        `api/runs/${id}/report`,
        `api/runs/${id}/results?limit=500`,
        `api/runs/${id}/results?outcome=fail`,
        `api/runs/${id}/cases/c3`,
        `api/compare?runA=${id}&variantA=small&variantB=large`,
      ];
      for (const path of paths) expect(await get(onPg.url, path), path).toEqual(await get(onSqlite.url, path));
      const failing = (await get(onPg.url, `api/runs/${id}/results?outcome=fail`)) as { total?: number };
      expect(JSON.stringify(failing)).toContain('c3'); // the figures are real: small fails c3, c13, c23

      const saved = await fetch(`${onPg.url}api/runs/${id}/labels`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-evalspec-request': '1' },
        body: JSON.stringify({ caseId: 'c3', variantId: 'small', repeat: 0, label: 'fail', comment: 'wrong answer' }),
      });
      expect(saved.status, await saved.clone().text()).toBe(200);
      const labels = await runCli(['--db', url, 'labels', 'list', id, '--json'], { cwd: dir });
      expect(labels.exitCode, labels.stderr).toBe(0);
      expect(JSON.parse(labels.stdout)).toEqual([
        expect.objectContaining({ caseId: 'c3', variantId: 'small', label: 'fail', labeller: 'pat', comment: 'wrong answer' }),
      ]);
    } finally {
      await server.close();
    }
  });
});
