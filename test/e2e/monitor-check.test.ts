// `evalspec monitor status|check` through the built CLI on a store seeded through store.production (putRecords,
// claim, complete) with seeded streams: 14 days at 88%, then a 6-point drop. `monitor check --exit-code` exits 0
// before the drop, 1 after it (one alert, posted exactly once to a loopback webhook, not again on the next check), and
// 0 after recovery (the alert closed). A failed POST is a warning naming the webhook's host only, retried on the next
// check. A baseline from a stored run made by a real `evalspec run` against the fake provider: the variant of the
// monitor's model, its pass rate as the store holds it. Stage advice: advance, hold and kill switch.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { FakeRequest } from '../fake-provider/server.js';
import { runCli, tempDir, writeFiles } from '../helpers/cli.js';
import { queryDb } from '../helpers/store.js';
import { openAiSuite, ticketCases, useFakeProvider } from '../helpers/suite.js';
import { openStore } from '../../src/store/index.js';
import { DAY, seedStream } from '../monitor/seed-production.js';

const START = Date.UTC(2026, 10, 1);
const iso = (day: number) => new Date(START + day * DAY).toISOString();

interface Hook {
  url: string;
  posts: { path: string; body: any }[];
  /** Status codes to answer, in order; 200 once they run out. */
  answers: number[];
  server: Server;
}

async function startHook(): Promise<Hook> {
  const hook = { posts: [], answers: [] } as unknown as Hook;
  hook.server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      hook.posts.push({ path: req.url ?? '', body: JSON.parse(body) });
      res.writeHead(hook.answers.shift() ?? 200).end('ok');
    });
  });
  await new Promise<void>((resolve) => hook.server.listen(0, '127.0.0.1', resolve));
  hook.url = `http://127.0.0.1:${(hook.server.address() as AddressInfo).port}/services/T000/B000/secret-token-xyz`;
  return hook;
}

const SUITE = `name: prod
providers:
  openai: { baseURL: "http://127.0.0.1:9/v1", apiKey: "sk-test-0123456789" }
models: [openai:gpt-4o-mini]
cases: [{ id: c1 }]
checks: [{ type: contains, value: "answer" }]
monitors:
  - name: answers
    window: 1d
    baseline: { window: { since: "2026-11-01", until: "2026-11-08" } }
    metrics: [pass_rate]
    webhook: \${MONITOR_WEBHOOK_URL}
`;

describe('monitor check: alert after a drop, one webhook POST, exit codes, recovery', () => {
  let hook: Hook;
  beforeAll(async () => {
    hook = await startHook();
  });
  afterAll(() => new Promise<void>((resolve) => hook.server.close(() => resolve())));

  it('exits 0 before the drop, 1 with one POST after it, and 0 once the window is back', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'evalspec.yaml': SUITE });
    const store = openStore(join(dir, '.evalspec/evalspec.db'));
    await seedStream(store, { suite: 'prod', monitor: 'answers', start: START, days: 19, perDay: 500, passRate: (d) => (d < 14 ? 0.88 : 0.82), seed: 15 });
    const env = { MONITOR_WEBHOOK_URL: hook.url };
    const check = (day: number, more: string[] = []) =>
      runCli(['monitor', 'check', 'evalspec.yaml', '--exit-code', '--now', iso(day), ...more], { cwd: dir, env });

    const before = await check(14);
    expect(before.stderr).toBe('');
    expect(before.exitCode).toBe(0);
    expect(hook.posts).toHaveLength(0);

    const after = await check(19);
    expect(after.exitCode).toBe(1);
    expect(after.stdout).toContain('1 alert(s) opened');
    expect(hook.posts).toHaveLength(1);
    expect(hook.posts[0].path).toBe('/services/T000/B000/secret-token-xyz');
    const body = hook.posts[0].body;
    expect(body.text).toMatch(
      /pass rate \d+\.\d% \(95% CI \d+\.\d–\d+\.\d\) vs baseline \d+\.\d%; drop detected on 2026-11-(1[5-9]) after [\d,]+ sampled calls; false-alarm rate of this rule ≤ 1% per 30 days/,
    );
    expect(body.blocks[0].type).toBe('section');

    // The next check: still open, not posted again.
    const again = await check(19);
    expect(again.exitCode).toBe(1);
    expect(hook.posts).toHaveLength(1);
    const status = JSON.parse((await runCli(['monitor', 'status', 'evalspec.yaml', '--monitor', 'answers', '--json', '--now', iso(19)], { cwd: dir })).stdout);
    expect(status.monitor).toBe('answers');
    expect(status.openAlerts).toHaveLength(1);
    expect(status.metrics[0].state).toBe('alert');

    // Five days back at 88%.
    await seedStream(store, {
      suite: 'prod',
      monitor: 'answers',
      start: START + 19 * DAY,
      days: 5,
      perDay: 500,
      passRate: () => 0.88,
      seed: 16,
      prefix: 'later',
    });
    await store.close();
    const recovered = await check(24);
    expect(recovered.exitCode).toBe(0);
    expect(recovered.stdout).toContain('1 closed');
    const alerts = queryDb<{ n: number }>(dir, 'SELECT COUNT(*) AS n FROM monitor_alerts');
    expect(alerts[0]?.n ?? 1).toBe(1);
  });

  it('warns on a failed POST without printing the secret, and posts the alert on the next check', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'evalspec.yaml': SUITE });
    const store = openStore(join(dir, '.evalspec/evalspec.db'));
    await seedStream(store, { suite: 'prod', monitor: 'answers', start: START, days: 19, perDay: 500, passRate: (d) => (d < 14 ? 0.88 : 0.82), seed: 15 });
    await store.close();
    hook.posts.length = 0;
    hook.answers.push(500);
    const env = { MONITOR_WEBHOOK_URL: hook.url };
    const first = await runCli(['monitor', 'check', 'evalspec.yaml', '--now', iso(19)], { cwd: dir, env });
    expect(first.exitCode).toBe(0);
    expect(first.stderr).toContain('answered HTTP 500');
    expect(first.stderr).toContain('127.0.0.1');
    expect(first.stderr + first.stdout).not.toContain('secret-token-xyz');
    const second = await runCli(['monitor', 'check', 'evalspec.yaml', '--now', iso(19)], { cwd: dir, env });
    expect(second.stderr).toBe('');
    expect(second.stdout).toContain('1 notified');
    expect(hook.posts).toHaveLength(2);
    expect(hook.posts[1].body).toEqual(hook.posts[0].body);
  });
});

const KEY = 'sk-monitor-e2e-0123456789';
const caseNumber = (req: Pick<FakeRequest, 'messages'>): number => Number(/Ticket (\d+):/.exec(req.messages.at(-1)!.content)![1]);

describe('monitor status: a baseline from a stored run', () => {
  // gpt-4o-mini misses every tenth ticket (36 of 40 pass), gpt-4o none.
  const fake = useFakeProvider({
    apiKey: KEY,
    answer: (req) => ({
      text: req.model === 'gpt-4o' || caseNumber(req) % 10 !== 0 ? `Your code: CODE-${caseNumber(req)}` : 'Sorry.',
      inputTokens: 50,
      outputTokens: 10,
    }),
  });

  it("takes the pass rate of the monitor's model from the labelled run, and alerts on a collapse after it", async () => {
    const dir = tempDir();
    const monitors = `monitors:
  - name: answers
    filter: { models: [gpt-4o-mini] }
    baseline: { label: main }
    metrics: [pass_rate]
    alert: { min_samples: 100 }
`;
    writeFiles(dir, {
      'evalspec.yaml': openAiSuite({
        name: 'prod',
        url: fake.server.openaiBaseURL,
        models: '[openai:gpt-4o-mini, openai:gpt-4o]',
        checks: '[{ type: contains, value: "CODE-{{n}}" }]',
        extra: monitors,
      }),
      'cases.jsonl': ticketCases(40),
    });
    const run = await runCli(['run', 'evalspec.yaml', '--label', 'main', '--no-progress'], { cwd: dir, env: { OPENAI_API_KEY: KEY } });
    expect(run.exitCode).toBe(0);
    const [stored] = queryDb<{ id: string; started_at: string }>(dir, 'SELECT id, started_at FROM runs');
    // Production after the run: 3 days at the run's rate, then 2 days at 50%.
    const start = Date.parse(stored.started_at) + 60_000;
    const store = openStore(join(dir, '.evalspec/evalspec.db'));
    await seedStream(store, { suite: 'prod', monitor: 'answers', start, days: 5, perDay: 300, passRate: (d) => (d < 3 ? 0.9 : 0.5), seed: 21 });
    await store.close();
    const at = (day: number) => new Date(start + day * DAY).toISOString();

    const calm = JSON.parse((await runCli(['monitor', 'status', 'evalspec.yaml', '--monitor', 'answers', '--json', '--now', at(3)], { cwd: dir })).stdout);
    const pass = calm.metrics[0];
    expect(pass.baseline.n).toBe(40);
    expect(pass.baseline.value).toBeCloseTo(36 / 40, 12);
    expect(pass.baseline.source).toContain(`run ${stored.id}`);
    expect(pass.baseline.source).toContain("the monitor's model gpt-4o-mini");
    expect(pass.state).toBe('ok');

    const collapsed = JSON.parse((await runCli(['monitor', 'status', 'evalspec.yaml', '--monitor', 'answers', '--json', '--now', at(5)], { cwd: dir })).stdout);
    expect(collapsed.metrics[0].state).toBe('alert');
    expect(Date.parse(collapsed.metrics[0].detector.alarm.at)).toBeGreaterThanOrEqual(start + 3 * DAY);
    // status changes nothing in the store.
    expect(queryDb(dir, 'SELECT * FROM monitor_alerts')).toEqual([]);
  });
});

describe('monitor status: the table and bad input', () => {
  it('prints quality and input drift apart, and names the monitors when one is unknown (exit 2)', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'evalspec.yaml': SUITE.replace('metrics: [pass_rate]', 'metrics: [pass_rate, segment_mix]') });
    const store = openStore(join(dir, '.evalspec/evalspec.db'));
    await seedStream(store, { suite: 'prod', monitor: 'answers', start: START, days: 9, perDay: 300, passRate: () => 0.9, seed: 5, tags: () => ['plan:pro'] });
    await store.close();
    const shown = await runCli(['monitor', 'status', 'evalspec.yaml', '--now', iso(9)], { cwd: dir });
    expect(shown.exitCode).toBe(0);
    expect(shown.stdout).toContain('baseline: production 2026-11-01..2026-11-08');
    expect(shown.stdout).toMatch(/quality\n\s+metric\s+window/);
    expect(shown.stdout).toMatch(/\n\s+pass rate\s+\d+\.\d%\s+\d+\.\d–\d+\.\d\s+300\s+\d+\.\d%\s+none\s+—\s+ok/);
    expect(shown.stdout).toContain('input drift (the traffic, not the model)');
    expect(shown.stdout).toContain('plan:pro: 100.0% (baseline 100.0%)');

    const unknown = await runCli(['monitor', 'status', 'evalspec.yaml', '--monitor', 'nope'], { cwd: dir });
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain('no monitor "nope"');
    expect(unknown.stderr).toContain('answers');
    const badTime = await runCli(['monitor', 'check', 'evalspec.yaml', '--now', 'yesterday'], { cwd: dir });
    expect(badTime.exitCode).toBe(2);
    expect(badTime.stderr).toContain('--now "yesterday" is not a time');
  });
});
