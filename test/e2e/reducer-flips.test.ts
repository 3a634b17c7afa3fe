// The suite's repeat reducer decides whether a case flipped, in `evalspec diff` as in the run report's pass
// rate: the same replay logs (3 repeats per case) diffed under `repeat: 3` (the mean) and under
// `repeat: { n: 3, reduce: pass^k }`. `evalspec plan` names the reducer and plans only the suite's repeat count.
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTempDirs, jsonl, runCli, tempDir, writeFiles } from '../helpers/cli.js';

afterAll(() => cleanupTempDirs());

// Repeats passed (of 3) per case, before → after.
//   c0: 3 → 2   mean: passes both times (2/3 > 1/2)      pass^3: C(3,3)/C(3,3) = 1 → C(2,3)/C(3,3) = 0: broken
//   c1: 1 → 2   mean: fails (1/3), then passes: fixed     pass^3: 0 → 0: still failing
//   c2: 3 → 3   passes both times under both
//   c3: 0 → 0   still failing under both
const PASSED = { before: [3, 1, 3, 0], after: [2, 2, 3, 0] };

function writeSuite(dir: string, repeat: string, phase: 'before' | 'after'): void {
  const records = PASSED[phase].flatMap((passed, i) =>
    [0, 1, 2].map((r) => ({ id: `c${i}`, repeat: r, output: r < passed ? `The answer is W${i}.` : 'I do not know.' })),
  );
  writeFiles(dir, {
    'suite/evalspec.yaml': [
      'name: reducers',
      'models:',
      '  - { id: "replay:./m.jsonl", label: m }',
      'cases: cases.jsonl',
      'checks:',
      '  - { type: contains, value: "{{expected}}" }',
      `repeat: ${repeat}`,
      '',
    ].join('\n'),
    'suite/cases.jsonl': jsonl(PASSED.before.map((_, i) => ({ id: `c${i}`, vars: { expected: `W${i}` } }))),
    'suite/m.jsonl': jsonl(records),
  });
}

async function diffUnder(repeat: string) {
  const dir = tempDir();
  const ids: string[] = [];
  for (const phase of ['before', 'after'] as const) {
    writeSuite(dir, repeat, phase);
    const r = await runCli(['run', 'suite', '--json', `${phase}.json`, '--no-progress'], { cwd: dir });
    expect(r.exitCode, r.stderr).toBe(0);
    ids.push(JSON.parse(readFileSync(join(dir, `${phase}.json`), 'utf8')).runId);
  }
  const d = await runCli(['diff', ids[0], ids[1], '--json', 'diff.json'], { cwd: dir });
  expect(d.exitCode, d.stderr).toBe(0);
  const diff = JSON.parse(readFileSync(join(dir, 'diff.json'), 'utf8'));
  const runs = ['before', 'after'].map((p) => JSON.parse(readFileSync(join(dir, `${p}.json`), 'utf8')));
  const flips = diff.perVariant[0].flips;
  const ids_ = (list: { caseId: string }[]) => list.map((f) => f.caseId).sort();
  return { dir, stdout: d.stdout, diff, runs, fixed: ids_(flips.fixed), broken: ids_(flips.broken), stillFailing: ids_(flips.stillFailing) };
}

describe('diff: flips follow the suite repeat reducer', () => {
  it('mean of repeats (repeat: 3): c1 is fixed (1/3 → 2/3), c0 did not flip (3/3 → 2/3 still a majority)', async () => {
    const r = await diffUnder('3');
    expect({ fixed: r.fixed, broken: r.broken, stillFailing: r.stillFailing }).toEqual({ fixed: ['c1'], broken: [], stillFailing: ['c3'] });
    expect(r.diff.before.repeatReduce).toBe('mean');
  });

  it('pass^k (repeat: { n: 3, reduce: pass^k }): c0 is broken, c1 still failing, as the reduced pass values say', async () => {
    const r = await diffUnder('{ n: 3, reduce: pass^k }');
    expect({ fixed: r.fixed, broken: r.broken, stillFailing: r.stillFailing }).toEqual({ fixed: [], broken: ['c0'], stillFailing: ['c1', 'c3'] });
    // The run report's pass rate is over the same per-case values: before 1, 0, 1, 0; after 0, 0, 1, 0.
    expect(r.runs[0].variants[0].passRate).toBeCloseTo(0.5, 12);
    expect(r.runs[1].variants[0].passRate).toBeCloseTo(0.25, 12);
    expect(r.diff.perVariant[0].metrics[0].difference).toBeCloseTo(-0.25, 12);
    const c0 = r.diff.perVariant[0].flips.broken[0];
    expect(c0.before).toMatchObject({ results: 3, passed: 3, passValue: 1 });
    expect(c0.after).toMatchObject({ results: 3, passed: 2, passValue: 0 });
    expect(r.diff.after.repeatReduce).toBe('pass^3');
    expect(r.stdout).toContain('flipped cases (by pass^3): 0 fixed, 1 broken, 2 still failing');
    expect(r.stdout).toContain('3/3 passed, pass^3 1.00 → 2/3 passed, pass^3 0.00');

    // plan names the reducer, and plans the suite's 3 repeats only (Miller's split holds for the mean only).
    const plan = await runCli(['plan', 'suite', '--detect', '0.1', '--json'], { cwd: r.dir });
    expect(plan.exitCode, plan.stderr).toBe(0);
    const p = JSON.parse(plan.stdout);
    expect(p.repeatReduce).toBe('pass^3');
    expect(p.pairs.every((x: { casesNeeded: { repeats: number }[] }) => x.casesNeeded.map((row) => row.repeats).join() === '3')).toBe(true);
    expect(p.assumptions.join(' ')).toMatch(/reduces its 3 repeats with pass\^3, not their mean/);
    const text = await runCli(['plan', 'suite', '--detect', '0.1'], { cwd: r.dir });
    expect(text.stdout.split('\n')[0]).toBe('reducers: 4 cases × 3 repeats (reduced by pass^3), 1 variant');
  });
});
