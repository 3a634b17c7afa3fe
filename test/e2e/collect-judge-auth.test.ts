// `evalspec collect` with a judge whose API key the provider refuses (the loopback fake provider answers 401): the
// scorer thread's fatal error stops the collector with exit 4 and the error, and the record stays queued (its claim
// expires and it is scored once the key is fixed), never completed as a judge error.
import Database from 'better-sqlite3';
import { once } from 'node:events';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../fake-provider/server.js';
import { cleanupTempDirs, startCli, tempDir, writeFiles } from '../helpers/cli.js';

let fake: FakeProvider;
beforeAll(async () => (fake = await startFakeProvider({ apiKey: 'sk-right-key-0123456789' })));
afterAll(async () => {
  await fake.close();
  cleanupTempDirs();
});

describe('evalspec collect: a refused judge key', () => {
  it('exits 4 with PROVIDER_AUTH; the record stays queued, unscored', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'evalspec.yaml': `name: judged
providers:
  openai: { baseURL: "${fake.openaiBaseURL}", apiKey: "sk-wrong-key-9999999999" }
models: [openai:gpt-4o-mini]
cases: [{ id: c1 }]
retries: { max: 0 }
monitors:
  - name: judged
    checks: [{ type: judge, judge: openai:gpt-4o, rubric: "The answer gives the order's status." }]
`,
    });
    const child = startCli(['collect', '--suite', 'evalspec.yaml', '--db', 'store.db', '--port', '0'], { cwd: dir });
    let out = '';
    let err = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (err += d));
    const closed = once(child, 'close');
    for (let i = 0; i < 400 && !/POST (http:\S+)\/v1\/records/.test(out); i++) await new Promise((r) => setTimeout(r, 50));
    const url = /POST (http:\S+)\/v1\/records/.exec(out)![1];
    const res = await fetch(`${url}/v1/records`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: JSON.stringify({ timestamp: '2026-12-01T09:30:00Z', model: 'gpt-4o-mini', input: 'Where is my order?', output: 'It ships today.' }),
    });
    expect(res.status).toBe(200);
    const [code] = await closed;
    expect(code, err).toBe(4);
    expect(err).toContain('error[PROVIDER_AUTH]');
    expect(err).not.toContain('sk-wrong-key-9999999999');
    const db = new Database(join(dir, 'store.db'), { readonly: true });
    try {
      expect(db.prepare('SELECT COUNT(*) AS n FROM production_records').get()).toEqual({ n: 1 });
      expect(db.prepare('SELECT COUNT(*) AS n FROM production_scores').get()).toEqual({ n: 0 });
      expect(db.prepare('SELECT COUNT(*) AS n FROM production_queue').get()).toEqual({ n: 1 });
    } finally {
      db.close();
    }
  });
});
