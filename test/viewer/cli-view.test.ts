// `evalspec view` as a user runs it: the built CLI in a child process, the URL it prints, Ctrl-C.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, runCli } from '../helpers/cli.js';
import type { CaseResponse, RunResponse, RunsResponse } from '../../src/viewer/index.js';
import { seededStore, type Seeded } from './helpers.js';
import { startViewCli, stopViewCli } from '../helpers/view-cli.js';

let seeded: Seeded;
beforeAll(async () => {
  seeded = await seededStore(12);
});
afterAll(() => cleanupTempDirs());

/** Start `evalspec view`, wait until it prints the URL to open. */
const startView = (args: string[]) => startViewCli(seeded.db, seeded.dir, args);
const stop = stopViewCli;

describe('evalspec view', () => {
  it('serves 127.0.0.1 on a free port, prints the URL, stops cleanly on Ctrl-C', async () => {
    const { child, url } = await startView([]);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const runs = (await (await fetch(`${url}api/runs`)).json()) as RunsResponse;
    expect(runs.runs).toHaveLength(2);
    const page = await fetch(url);
    expect(await page.text()).toContain('<div id="root">');
    expect(await stop(child)).toBe(0);
  });

  it('with --host prints an access token and requires it', async () => {
    const { child, url, stdout } = await startView(['--host', '127.0.0.1']);
    try {
      expect(stdout()).toMatch(/access token: [\w-]{40,}/);
      const token = new URL(url).searchParams.get('token');
      expect(token).toBeTruthy();
      const base = url.split('?')[0];
      expect((await fetch(`${base}api/runs`)).status).toBe(401);
      expect((await fetch(`${base}api/runs`, { headers: { 'X-Evalspec-Token': token! } })).status).toBe(200);
    } finally {
      await stop(child);
    }
  });

  it('rejects a bad --port with exit code 2', async () => {
    const result = await runCli(['--db', seeded.db, 'view', '--port', 'abc'], { cwd: seeded.dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('--port');
  });
});

describe('a suite run, then viewed', () => {
  it("offers the suite's error_tags when labelling, and shows the run's messages and outputs", async () => {
    const { tempDir, writeFiles, jsonl } = await import('../helpers/cli.js');
    const { startOver } = await import('./helpers.js');
    const { join } = await import('node:path');
    const dir = tempDir();
    writeFiles(dir, {
      'evalspec.yaml': [
        'name: replayed',
        'models: ["replay:outputs.jsonl"]',
        'prompts:',
        '  - id: v1',
        '    messages:',
        '      - { role: user, content: "{{question}}" }',
        'cases: cases.jsonl',
        'checks: [{ type: contains, value: "30 days" }]',
        'error_tags: [wrong-policy, rude]',
      ].join('\n'),
      'cases.jsonl': jsonl([
        { id: 'a', vars: { question: 'How long to return?' }, tags: ['segment:consumer'] },
        { id: 'b', vars: { question: 'Refund window?' } },
      ]),
      'outputs.jsonl': jsonl([
        { id: 'a', output: 'You have 30 days.' },
        { id: 'b', output: '<script>alert(1)</script>' },
      ]),
    });
    const result = await runCli(['run', 'evalspec.yaml'], { cwd: dir });
    expect([0, 1]).toContain(result.exitCode);
    const viewer = await startOver(join(dir, '.evalspec/evalspec.db'));
    try {
      const { runs } = (await (await fetch(`${viewer.url}api/runs`)).json()) as RunsResponse;
      const run = (await (await fetch(`${viewer.url}api/runs/${encodeURIComponent(runs[0].id)}`)).json()) as RunResponse;
      expect(run.errorTagsFromSuite).toBe(true);
      expect(run.errorTags).toEqual(['wrong-policy', 'rude']);
      const c = (await (await fetch(`${viewer.url}api/runs/${encodeURIComponent(runs[0].id)}/cases/b`)).json()) as CaseResponse;
      expect(c.results[0].output).toBe('<script>alert(1)</script>');
      expect(c.results[0].messages).toEqual([{ role: 'user', content: 'Refund window?' }]);
      expect(c.results[0].pass).toBe(false);
    } finally {
      await viewer.closeAll();
    }
  });
});
