// User code that hangs (a check or a `function:` target that never returns, a synchronous infinite loop, a
// catastrophic regex) must never make `run` or `ci` exit 0 without a report: every such call has a deadline
// and becomes a classed error on its result, the run ends incomplete (exit 3) with its reports written, and
// Ctrl-C stops it at once (130). `ci` runs javascript checks isolated (no environment, no imports).
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { runCli, startCli, tempDir, writeFiles, jsonl, cleanupTempDirs } from '../helpers/cli.js';
import { queryDb } from '../helpers/store.js';

const CASES = jsonl([
  { id: 'c1', vars: { expected: 'one' } },
  { id: 'c2', vars: { expected: 'two' } },
]);
const APP = 'export default ({ vars }) => `the answer is ${vars.expected}`;\n';

/** The stored checks of each result of the latest run, by case id. */
function storedChecks(dir: string): Map<string, any[]> {
  const rows = queryDb<{ case_id: string; checks_json: string }>(
    dir,
    'SELECT case_id, checks_json FROM results WHERE run_id = (SELECT id FROM runs ORDER BY started_at DESC LIMIT 1)',
  );
  return new Map(rows.map((r) => [r.case_id, JSON.parse(r.checks_json)]));
}

/** A suite over a function: model; `checks` is the YAML list of checks, `extra` more top-level keys. */
function suite(checks: string, extra = '', model = 'function:./app.mjs'): string {
  return `name: user-code
models: [${model}]
prompts:
  - id: v1
    messages: [{ role: user, content: "say {{expected}}" }]
cases: cases.jsonl
retries: { max: 0 }
checks:
${checks}
${extra}
`;
}

function project(files: Record<string, string>): string {
  const dir = tempDir();
  writeFiles(dir, { 'app.mjs': APP, 'cases.jsonl': CASES, ...files });
  return dir;
}

const REPORT_ARGS = ['--json', 'out.json', '--md', 'out.md', '--junit', 'out.xml'];

function results(dir: string): { case_id: string; error_class: string | null; error_message: string | null; pass: number | null }[] {
  return queryDb(dir, 'SELECT case_id, error_class, error_message, pass FROM results ORDER BY case_id');
}

describe('hung user code ends the run with classed errors and reports (never exit 0 with nothing)', () => {
  afterAll(() => cleanupTempDirs());

  it('a check returning a promise that never settles: check-error on each result, exit 3, every report written', async () => {
    const dir = project({
      'evalspec.yaml': suite(`  - { type: contains, value: "{{expected}}" }
  - { type: javascript, value: "await new Promise(() => {})", timeout_ms: 300 }`),
    });
    const result = await runCli(['run', 'evalspec.yaml', ...REPORT_ARGS], { cwd: dir });
    expect(result.stderr).not.toContain('internal error');
    expect(result.exitCode, result.stderr).toBe(3);
    for (const f of ['out.json', 'out.md', 'out.xml']) expect(existsSync(join(dir, f)), f).toBe(true);
    const rows = results(dir);
    expect(rows.map((r) => [r.case_id, r.error_class, r.pass])).toEqual([
      ['c1', 'check-error', null],
      ['c2', 'check-error', null],
    ]);
    expect(rows[0].error_message).toContain('timed out after 300 ms');
    const report = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'));
    expect(report.status).toBe('incomplete');
    expect(report.results[0].error.class).toBe('check-error');
    expect(queryDb(dir, 'SELECT status FROM runs')).toEqual([{ status: 'incomplete' }]);
  });

  it('a module check that never settles: the same (the timer no longer lets the process exit 0)', async () => {
    const dir = project({
      'evalspec.yaml': suite('  - { type: javascript, file: checks/never.mjs, timeout_ms: 200 }'),
      'checks/never.mjs': 'export default () => new Promise(() => {});\n',
    });
    const result = await runCli(['run', 'evalspec.yaml', ...REPORT_ARGS], { cwd: dir });
    expect(result.exitCode, result.stderr).toBe(3);
    expect(existsSync(join(dir, 'out.md'))).toBe(true);
    expect(results(dir).map((r) => r.error_class)).toEqual(['check-error', 'check-error']);
  });

  it('while (true) {} in a check: the worker is stopped, check-error, the process exits by itself', async () => {
    const dir = project({
      'evalspec.yaml': suite('  - { type: javascript, value: "while (true) {}", timeout_ms: 300 }'),
    });
    const result = await runCli(['run', 'evalspec.yaml', ...REPORT_ARGS], { cwd: dir, timeoutMs: 40_000 });
    expect(result.signal).toBeNull(); // not killed by the test's safety net
    expect(result.exitCode, result.stderr).toBe(3);
    expect(results(dir).map((r) => r.error_class)).toEqual(['check-error', 'check-error']);
    expect(existsSync(join(dir, 'out.xml'))).toBe(true);
  });

  it('catastrophic regexes: (a+)+$ is bounded by V8 and just fails; (a|aa)+$ with the i flag is a check-error', async () => {
    // A 5,000-character output that almost matches: exponential backtracking for a naive engine.
    const long = `export default () => 'a'.repeat(5000) + 'b';\n`;
    const dir = project({
      'long.mjs': long,
      'evalspec.yaml': suite(
        `  - { type: regex, value: "(a+)+$", metric: bounded }
  - { type: regex, value: "(a|aa)+$", flags: i, metric: backtracking }`,
        '',
        'function:./long.mjs',
      ),
    });
    const result = await runCli(['run', 'evalspec.yaml', '--json', 'out.json'], { cwd: dir, timeoutMs: 40_000 });
    expect(result.signal).toBeNull();
    expect(result.exitCode, result.stderr).toBe(3);
    const report = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'));
    for (const r of report.results) {
      expect(r.error.class).toBe('check-error');
      expect(r.error.message).toContain('backtracking: /(a|aa)+$/i did not finish');
      // The bounded one was judged: the output does not end in a's.
      expect(r.checks.find((c: any) => c.metric === 'bounded')).toMatchObject({ pass: false });
    }
  });

  it('a function: target sleeping 20 s under timeout_ms 500: a timeout error, not a pass', async () => {
    const dir = project({
      'slow.mjs': "export default async () => { await new Promise((r) => setTimeout(r, 20_000)); return 'late'; };\n",
      'evalspec.yaml': suite('  - { type: contains, value: late }', 'timeout_ms: 500', 'function:./slow.mjs'),
    });
    const result = await runCli(['run', 'evalspec.yaml', ...REPORT_ARGS], { cwd: dir, timeoutMs: 15_000 });
    expect(result.signal).toBeNull(); // finished well before the function's 20 s
    expect(result.exitCode, result.stderr).toBe(3);
    expect(results(dir).map((r) => r.error_class)).toEqual(['timeout', 'timeout']);
  });

  it('a function: target in a synchronous infinite loop: a timeout error, the process exits by itself', async () => {
    const dir = project({
      'spin.mjs': 'export default () => { while (true) {} };\n',
      'evalspec.yaml': suite('  - { type: contains, value: x }', 'timeout_ms: 300', 'function:./spin.mjs'),
    });
    const result = await runCli(['run', 'evalspec.yaml', '--json', 'out.json'], { cwd: dir, timeoutMs: 40_000 });
    expect(result.signal).toBeNull();
    expect(result.exitCode, result.stderr).toBe(3);
    expect(results(dir).map((r) => r.error_class)).toEqual(['timeout', 'timeout']);
  });

  it('Ctrl-C while a function: target hangs: exit 130 without waiting for it, the run cancelled', async () => {
    const dir = project({
      // Says it started (the test waits for that), then never returns.
      'hang.mjs': `import { writeFileSync } from 'node:fs';
export default ({ caseId }) => { writeFileSync(new URL('./started-' + caseId, import.meta.url), ''); while (true) {} };\n`,
      'evalspec.yaml': suite('  - { type: contains, value: x }', 'timeout_ms: 600000', 'function:./hang.mjs'),
    });
    const child = startCli(['run', 'evalspec.yaml', '--json', 'out.json'], { cwd: dir });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    child.stdout!.resume();
    const closed = once(child, 'close');
    const safety = setTimeout(() => child.kill('SIGKILL'), 30_000);
    while (!existsSync(join(dir, 'started-c1')) && !existsSync(join(dir, 'started-c2'))) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    const [code, signal] = await closed;
    clearTimeout(safety);
    expect(signal, stderr).toBeNull();
    expect(code, stderr).toBe(130);
    expect(stderr).not.toContain('internal error');
    expect(queryDb(dir, 'SELECT status FROM runs')).toEqual([{ status: 'cancelled' }]);
    expect(results(dir)).toEqual([]); // a cancelled call is not stored: a resume runs it
  });

  it('Ctrl-C while a check spins in while (true): exit 130 at once, not after the deadline of the check', async () => {
    const dir = project({
      'evalspec.yaml': suite(
        `  - { type: javascript, timeout_ms: 600000, value: "const fs = await import('node:fs'); fs.writeFileSync('started', ''); while (true) {}" }`,
      ),
    });
    const child = startCli(['run', 'evalspec.yaml', '--json', 'out.json'], { cwd: dir });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    child.stdout!.resume();
    const closed = once(child, 'close');
    const safety = setTimeout(() => child.kill('SIGKILL'), 30_000);
    while (!existsSync(join(dir, 'started'))) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    const [code, signal] = await closed;
    clearTimeout(safety);
    expect(signal, stderr).toBeNull();
    expect(code, stderr).toBe(130);
    expect(queryDb(dir, 'SELECT status FROM runs')).toEqual([{ status: 'cancelled' }]);
  });

  it('a command that stalls is a failure (exit 70 with a message), never exit 0', async () => {
    // Reproduces the original failure mode: a deadline timer that does not keep the process alive and a worker
    // that never holds it, so the event loop empties while the run waits. The preload only weakens timers.
    const dir = project({
      'evalspec.yaml': suite('  - { type: javascript, value: "await new Promise(() => {})", timeout_ms: 60000 }'),
      'weak-timers.mjs': `import { Worker } from 'node:worker_threads';
const original = globalThis.setTimeout;
globalThis.setTimeout = (...args) => { const t = original(...args); t.unref?.(); return t; };
Worker.prototype.ref = function () {};
`,
    });
    const result = await runCli(['run', 'evalspec.yaml', '--md', 'out.md'], {
      cwd: dir,
      env: { NODE_OPTIONS: `--import ${join(dir, 'weak-timers.mjs')}` },
    });
    expect(result.exitCode, result.stderr).toBe(70);
    expect(result.stderr).toContain('evalspec stopped making progress');
  });
});

describe('isolated javascript checks: the default of ci', () => {
  afterAll(() => cleanupTempDirs());

  const envCheck = `  - { type: javascript, metric: env, value: "({ pass: true, reason: 'secret=' + (typeof process === 'undefined' ? 'no process' : String(process.env.SOME_SECRET)) })" }
  - { type: javascript, metric: fs, value: "const fs = await import('node:fs'); return fs.existsSync('evalspec.yaml')" }`;

  it('ci: a check sees no environment and cannot import node:fs (a clear error); --trust-checks gives both back', async () => {
    const dir = project({ 'evalspec.yaml': suite(envCheck) });
    const env = { SOME_SECRET: 'hunter2' };
    const isolated = await runCli(['ci', 'evalspec.yaml', '--junit', 'ci.xml'], { cwd: dir, env });
    expect(isolated.stderr).not.toContain('internal error');
    // The fs check fails (indeterminate) but the suite has no quality bars, so nothing gates: exit 0.
    expect(isolated.exitCode, isolated.stderr).toBe(0);
    expect(isolated.stdout + isolated.stderr).not.toContain('hunter2');
    expect(existsSync(join(dir, 'ci.xml'))).toBe(true);
    const checks = storedChecks(dir).get('c1')!;
    const byMetric = (m: string) => checks.find((c: any) => c.metric === m);
    expect(byMetric('env').reason).toBe('secret=no process');
    expect(byMetric('fs')).toMatchObject({ pass: false, indeterminate: true });
    expect(byMetric('fs').reason).toContain('javascript checks run isolated');
    expect(byMetric('fs').reason).toContain('--trust-checks');

    const trusted = await runCli(['ci', 'evalspec.yaml', '--trust-checks'], { cwd: dir, env });
    expect(trusted.exitCode, trusted.stderr).toBe(0);
    const trustedChecks = storedChecks(dir).get('c1')!;
    expect(trustedChecks.find((c: any) => c.metric === 'env').reason).toBe('secret=hunter2');
    expect(trustedChecks.find((c: any) => c.metric === 'fs').pass).toBe(true);
  });

  it('ci refuses a module check up front (exit 2, CHECK_ISOLATED naming the fix); run --isolate-checks too', async () => {
    const dir = project({
      'evalspec.yaml': suite('  - { type: javascript, file: checks/ok.mjs }'),
      'checks/ok.mjs': 'export default () => true;\n',
    });
    for (const args of [
      ['ci', 'evalspec.yaml'],
      ['run', 'evalspec.yaml', '--isolate-checks'],
    ]) {
      const result = await runCli(args, { cwd: dir });
      expect(result.exitCode, result.stderr).toBe(2);
      expect(result.stderr).toContain('error[CHECK_ISOLATED]');
      expect(result.stderr).toContain('checks/ok.mjs');
      expect(result.stderr).toContain('fix: ');
      expect(result.stderr).toContain('--trust-checks');
      expect(queryDb(dir, 'SELECT id FROM runs')).toEqual([]); // refused before a run was created
    }
    const trusted = await runCli(['run', 'evalspec.yaml'], { cwd: dir });
    expect(trusted.exitCode, trusted.stderr).toBe(0);
  });
});
