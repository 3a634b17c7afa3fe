// A run or label baseline through the built CLI: a segment's monitor (filter.tags) compares with the run's cases of
// that segment, not the whole run; `since:` makes the detector watch traffic from that date although the run was
// made after it (without it, the detector starts at the run's start and sees none of this older traffic).
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, jsonl, runCli, tempDir, writeFiles } from '../helpers/cli.js';

afterAll(() => cleanupTempDirs());

// Segment a: 8 of 10 answers contain "ok" (80%); segment b: 10 of 10. The whole run: 18/20 = 90%.
const cases = Array.from({ length: 20 }, (_, i) => ({ id: `c${i}`, vars: { q: `question ${i}` }, tags: [i < 10 ? 'seg:a' : 'seg:b'] }));
const outputs = cases.map((c, i) => ({ id: c.id, output: i === 3 || i === 7 ? 'no idea' : 'ok, done' }));
// 100 production calls of segment a on 2026-11-02, every one failing: a change no detector can miss.
const traffic = Array.from({ length: 100 }, (_, i) => ({
  timestamp: new Date(Date.UTC(2026, 10, 2, 0, i)).toISOString(),
  model: 'support-bot',
  input: `question ${i}`,
  output: 'no idea',
  attributes: { seg: 'a' },
}));
const monitor = (name: string, baseline: string) => `  - name: ${name}
    filter: { tags: [seg:a] }
    window: 30d
    baseline: ${baseline}
    metrics: [pass_rate]
    alert: { min_samples: 1 }
`;
const SUITE = `name: seg-baseline
models: [{ id: "replay:outputs.jsonl", label: support-bot }]
cases: cases.jsonl
checks: [{ type: contains, value: "ok" }]
production:
  attributes: { seg: "seg:{{value}}" }
monitors:
${monitor('from-run-start', '{ label: main }')}${monitor('since-november', '{ label: main, since: "2026-11-01" }')}${monitor('bad-since', '{ label: main, since: "last tuesday" }')}`;

describe('run baselines of a segment monitor', () => {
  it('uses the segment cases; since: starts the detector at that date', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'evalspec.yaml': SUITE, 'cases.jsonl': jsonl(cases), 'outputs.jsonl': jsonl(outputs), 'traffic.jsonl': jsonl(traffic) });
    expect((await runCli(['run', 'evalspec.yaml', '--label', 'main'], { cwd: dir })).exitCode).toBe(0);
    const ingest = await runCli(['ingest', 'traffic.jsonl', '--suite', 'evalspec.yaml'], { cwd: dir });
    expect(ingest.exitCode, ingest.stderr).toBe(0);
    const status = async (name: string) => {
      const r = await runCli(['monitor', 'status', 'evalspec.yaml', '--monitor', name, '--json', '--now', '2026-11-03T00:00:00Z'], { cwd: dir });
      return { ...r, json: r.exitCode === 0 ? JSON.parse(r.stdout) : null };
    };

    const fromStart = (await status('from-run-start')).json;
    const pass = fromStart.metrics[0];
    expect(pass.baseline.value).toBeCloseTo(0.8, 9); // segment a's 8/10, not the run's 18/20
    expect(pass.baseline.n).toBe(10);
    expect(pass.baseline.source).toContain('cases tagged seg:a');
    expect(pass.detector.alarm).toBeNull(); // the run started after this traffic: nothing watched

    const since = (await status('since-november')).json;
    expect(since.metrics[0].detector.alarm.at.slice(0, 10)).toBe('2026-11-02');
    expect(since.openAlerts.map((a: any) => a.metric)).toEqual(['pass_rate']);

    const bad = await status('bad-since');
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('baseline.since "last tuesday" is not a date');
  });
});
