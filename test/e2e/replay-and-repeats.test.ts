// Replay targets and the repeat reducer through the built CLI: a latency check on a replay without
// latency_ms is not applicable (one warning), not failed; a replayed output that is not text (null, a
// number, an object) is a missing-output error naming the line and case; `repeat: { n, reduce }` decides
// each case's pass value (pass@k, pass^k unbiased per case) with the interval over cases named.
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir, writeFiles, jsonl, cleanupTempDirs } from '../helpers/cli.js';

afterAll(() => cleanupTempDirs());

const readJson = (dir: string, file = 'out.json') => JSON.parse(readFileSync(join(dir, file), 'utf8'));

describe('replay targets', () => {
  it('a max-latency-ms check on a replay without latency_ms is not applicable: 13 of 20 right is 65%, one warning', async () => {
    const dir = tempDir();
    const cases = Array.from({ length: 20 }, (_, i) => ({ id: `q${i + 1}`, vars: { answer: String(i + 1) } }));
    // The first 13 answers are right, the last 7 wrong; no record has a latency.
    const log = cases.map((c, i) => ({ id: c.id, output: i < 13 ? c.vars.answer : 'wrong' }));
    // One more replay, with logged latencies: there the check applies (one too slow).
    const timed = cases.map((c, i) => ({ id: c.id, output: c.vars.answer, latency_ms: i === 0 ? 9000 : 200 }));
    writeFiles(dir, {
      'evalspec.yaml': `name: replay-latency
models: [replay:./log.jsonl, replay:./timed.jsonl]
cases: cases.jsonl
checks:
  - { type: equals, value: "{{answer}}" }
  - { type: max-latency-ms, value: 5000 }
`,
      'cases.jsonl': jsonl(cases),
      'log.jsonl': jsonl(log),
      'timed.jsonl': jsonl(timed),
    });
    const result = await runCli(['run', 'evalspec.yaml', '--no-progress', '--json', 'out.json'], { cwd: dir });
    expect(result.exitCode, result.stderr).toBe(0);
    const raw = readJson(dir);
    const log0 = raw.variants.find((v: { id: string }) => v.id === 'log');
    const timed0 = raw.variants.find((v: { id: string }) => v.id === 'timed');
    expect(log0.passRate).toBeCloseTo(13 / 20, 12);
    expect(timed0.passRate).toBeCloseTo(19 / 20, 12); // the logged latency still counts
    const logResults = raw.results.filter((r: { variantId: string }) => r.variantId === 'log');
    expect(logResults.every((r: { checks: { type: string }[] }) => r.checks.map((c) => c.type).join() === 'equals')).toBe(true);
    const slow = raw.results.find((r: { variantId: string; caseId: string }) => r.variantId === 'timed' && r.caseId === 'q1');
    expect(slow.checks.map((c: { type: string; pass: boolean }) => [c.type, c.pass])).toEqual([
      ['equals', true],
      ['max-latency-ms', false],
    ]);
    const warnings = result.stdout.split('\n').filter((l) => l.startsWith('warning:') && l.includes('max-latency-ms'));
    expect(warnings).toEqual([
      'warning: replay:./log.jsonl: 20 of 20 replayed outputs have no latency_ms, so max-latency-ms is not applicable to them (left out of their pass and score); log latency_ms in the replay file to check latency',
    ]);
  });

  it('a null, number or object output is a missing-output error naming the line and case, not the text "null"', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'evalspec.yaml': `name: replay-null
models: [replay:./log.jsonl]
cases: [{ id: a }, { id: b }, { id: c }, { id: d }]
checks: [{ type: contains, value: "l" }]
`,
      'log.jsonl': jsonl([
        { id: 'a', output: 'hello' },
        { id: 'b', output: null },
        { id: 'c', output: 42 },
        { id: 'd', output: { text: 'null' } },
      ]),
    });
    const result = await runCli(['run', 'evalspec.yaml', '--no-progress', '--json', 'out.json'], { cwd: dir });
    expect(result.exitCode, result.stderr).toBe(3); // errors leave the run incomplete
    const raw = readJson(dir);
    const byCase = new Map(raw.results.map((r: { caseId: string }) => [r.caseId, r]));
    expect(byCase.get('a')).toMatchObject({ output: 'hello', pass: true, error: null });
    const expected: [string, number, string][] = [
      ['b', 2, 'null'],
      ['c', 3, 'a number'],
      ['d', 4, 'an object'],
    ];
    for (const [id, line, what] of expected) {
      expect(byCase.get(id)).toMatchObject({
        output: null,
        pass: null,
        error: {
          class: 'missing-output',
          message: `replay:./log.jsonl line ${line} (case ${id}): "output" is ${what}, not text; log the model's answer as a string ("" for an empty answer)`,
        },
      });
    }
    expect(raw.variants[0]).toMatchObject({ errors: 3, passed: 1 });
  });
});

describe('repeat: { n, reduce }', () => {
  // Six cases, five repeats each; case i passes `PASSES[i]` of its repeats (the function decides by repeat index).
  const PASSES = [5, 4, 3, 2, 0, 1];
  const files = (repeat: string) => ({
    'evalspec.yaml': `name: reducers
models: [function:./app.mjs]
cases: [${PASSES.map((p, i) => `{ id: c${i + 1}, vars: { passes: ${p} } }`).join(', ')}]
checks: [{ type: equals, value: "yes" }]
repeat: ${repeat}
`,
    'app.mjs': 'export default ({ vars, repeat }) => (repeat < Number(vars.passes) ? "yes" : "no");\n',
  });

  async function passRate(repeat: string): Promise<{ raw: any; stdout: string }> {
    const dir = tempDir();
    writeFiles(dir, files(repeat));
    const result = await runCli(['run', 'evalspec.yaml', '--no-progress', '--json', 'out.json'], { cwd: dir });
    expect(result.exitCode, result.stderr).toBe(0);
    return { raw: readJson(dir), stdout: result.stdout };
  }

  it('pass^2, pass@2 and pass^k change the pass rate as computed by hand', async () => {
    // Hand computation, n = 5 repeats, c passed, C(5, 2) = 10:
    //   pass^2 = C(c,2)/10:     c = 5,4,3,2,0,1 → 1, 0.6, 0.3, 0.1, 0, 0     → mean 2.0/6 = 1/3
    //   pass@2 = 1 − C(5−c,2)/10 →                 1, 1, 0.9, 0.7, 0, 0.4    → mean 4.0/6 = 2/3
    //   pass^k (k = n = 5): only c = 5 passes      → 1/6
    //   repeat: 5 (default, share of repeats):     15/30 = 1/2
    const hatTwo = [1, 0.6, 0.3, 0.1, 0, 0];
    const plain = await passRate('5');
    expect(plain.raw.variants[0].passRate).toBeCloseTo(0.5, 12);
    expect(plain.raw.repeatReduce).toMatchObject({ reducer: 'mean', k: null });

    const hat = await passRate('{ n: 5, reduce: pass^2 }');
    const v = hat.raw.variants[0];
    expect(v.passRate).toBeCloseTo(1 / 3, 12);
    expect(hat.raw.repeatReduce).toMatchObject({ reducer: 'pass^2', k: 2 });
    expect(hat.raw.repeatReduce.estimator).toContain('C(c, 2)/C(n, 2)');
    // The interval is a t interval over the six per-case estimates: mean ± t(0.975, 5) · s/√6, with
    // s² = Σ(x − 1/3)²/5 = 0.79333/5 and t(0.975, 5) = 2.570582 (t table).
    const mean = 1 / 3;
    const s = Math.sqrt(hatTwo.reduce((acc, x) => acc + (x - mean) ** 2, 0) / 5);
    expect(s * s).toBeCloseTo(0.79333 / 5, 4);
    const half = 2.570582 * (s / Math.sqrt(6));
    expect(v.passRateCi.high).toBeCloseTo(mean + half, 4);
    expect(v.passRateCi.method).toContain('per-case pass^2 estimates (5 repeats)');
    expect(hat.stdout).toContain('pass rate per case over 5 repeats: pass^2, the unbiased pass^2 per case');
    expect(hat.stdout).toContain('per-case pass^2 estimates');

    const at = await passRate('{ n: 5, reduce: pass@2 }');
    expect(at.raw.variants[0].passRate).toBeCloseTo(2 / 3, 12);
    expect(at.raw.repeatReduce.estimator).toContain('1 − C(n−c, 2)/C(n, 2)');

    const all = await passRate('{ n: 5, reduce: pass^k }');
    expect(all.raw.variants[0].passRate).toBeCloseTo(1 / 6, 12);
    expect(all.raw.repeatReduce).toMatchObject({ reducer: 'pass^5', k: 5 });
  });

  it('rejects a k larger than n, an unknown reducer, and a --repeat below k, each with the fix', async () => {
    const dir = tempDir();
    writeFiles(dir, files('{ n: 3, reduce: pass^5 }'));
    const big = await runCli(['run', 'evalspec.yaml', '--no-progress'], { cwd: dir });
    expect(big.exitCode).toBe(2);
    expect(big.stderr).toContain('evalspec.yaml:');
    expect(big.stderr).toContain('k of pass@k / pass^k cannot exceed n');

    writeFiles(dir, files('{ n: 3, reduce: best }'));
    const unknown = await runCli(['run', 'evalspec.yaml', '--no-progress'], { cwd: dir });
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain('write mean, majority, all, pass@K or pass^K');

    writeFiles(dir, files('{ n: 5, reduce: pass@3 }'));
    const override = await runCli(['run', 'evalspec.yaml', '--no-progress', '--repeat', '2'], { cwd: dir });
    expect(override.exitCode).toBe(2);
    expect(override.stderr).toContain('error[USAGE]');
    expect(override.stderr).toContain('--repeat 2 gives fewer');
  });
});
