// suite/monitor-validation.ts on real files: a monitor's `checks:` names metrics of the suite's checks (an unknown
// name fails at its line with the valid names and a suggestion), check specs are validated at their line, a baseline
// window is an ISO interval with since < until, stage bars only tighten from observe to act, and a webhook written
// with its token in the suite file gives a warning that does not repeat the token.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSuite, type Suite } from '../../src/suite/index.js';
import { cleanupTempDirs, tempDir, writeFiles } from '../helpers/cli.js';

afterAll(cleanupTempDirs);

// HEAD is lines 1-4, `monitors:` line 5, a monitor's `- name:` line 6.
const HEAD = `name: monitored
models: [openai:gpt-4o-mini]
cases: [{ id: c1 }]
checks: [{ type: contains, value: "thanks", metric: polite }, { type: regex, value: "sorry", not: true, metric: no-refusal }]
`;

function load(monitors: string): Suite {
  const dir = tempDir();
  writeFiles(dir, { 'evalspec.yaml': `${HEAD}monitors:\n${monitors}` });
  return loadSuite(join(dir, 'evalspec.yaml'));
}

function loadError(monitors: string): { code: string; message: string; hint?: string; location: { file?: string; line?: number } } {
  try {
    load(monitors);
  } catch (error) {
    return error as ReturnType<typeof loadError>;
  }
  throw new Error('expected the suite not to load');
}

describe('monitors in the suite', () => {
  it('names of the suite check metrics and check specs are accepted; specs get their defaults', () => {
    const suite = load(`  - name: answers
    checks: [no-refusal, { type: length, max: 300, unit: words }]
`);
    expect(suite.monitors[0].checks?.[0]).toBe('no-refusal');
    expect(suite.monitors[0].checks?.[1]).toMatchObject({ type: 'length', max: 300, unit: 'words' });
    expect(suite.warnings.join('\n')).not.toContain('webhook');
  });

  it('an unknown check name fails at its line with the valid names and a did-you-mean', () => {
    const err = loadError(`  - name: answers
    checks:
      - polite
      - no-refusl
`);
    expect(err.code).toBe('SUITE_SCHEMA');
    expect(err.location.line).toBe(9); // HEAD is lines 1-4, monitors: 5, name: 6, checks: 7, polite 8, no-refusl 9
    expect(err.message).toContain('"no-refusl"');
    expect(err.message).toContain('did you mean no-refusal?');
    expect(err.hint).toContain('polite, no-refusal');
    expect(err.location.file).toMatch(/evalspec\.yaml$/);
  });

  it('a check spec is validated at its own line', () => {
    const err = loadError(`  - name: answers
    checks:
      - { type: lenght, max: 3 }
`);
    expect(err.code).toBe('CHECK_UNKNOWN');
    expect(err.message).toContain('did you mean length?');
    expect(err.location.line).toBe(8);
  });

  it('baseline.window: both ends ISO dates, since before until', () => {
    const swapped = loadError(`  - name: answers
    baseline: { window: { since: "2026-11-08", until: "2026-11-01" } }
`);
    expect(swapped.code).toBe('SUITE_SCHEMA');
    expect(swapped.message).toContain('since (2026-11-08) is not before until (2026-11-01)');
    expect(swapped.location.line).toBe(7);
    const bad = loadError(`  - name: answers
    baseline:
      window:
        since: "last week"
        until: "2026-11-01"
`);
    expect(bad.message).toContain('baseline.window.since "last week" is not an ISO 8601 date');
    expect(bad.location.line).toBe(9);
    const ok = load(`  - name: answers
    baseline: { window: { since: "2026-11-01", until: "2026-11-08T00:00:00Z" } }
`);
    expect(ok.monitors[0].baseline).toEqual({ window: { since: '2026-11-01', until: '2026-11-08T00:00:00Z' } });
  });

  it('stage bars: a later stage cannot be looser, a stage needs a bar, the current stage needs its bars', () => {
    const looser = loadError(`  - name: answers
    stages:
      assist: { pass_rate: 0.9 }
      act: { pass_rate: 0.85 }
`);
    expect(looser.message).toContain('stage act has looser bars than assist (pass_rate 0.85 < 0.9)');
    expect(looser.location.line).toBe(9);
    const empty = loadError(`  - name: answers
    stages: { assist: {} }
`);
    expect(empty.message).toContain('stage assist has no bars');
    const missing = loadError(`  - name: answers
    stage: act
    stages: { assist: { pass_rate: 0.8 } }
`);
    expect(missing.message).toContain('stage is act but stages: has no bars for it');
    expect(missing.location.line).toBe(7);
    const ok = load(`  - name: answers
    stage: assist
    stages: { assist: { pass_rate: 0.85 }, act: { pass_rate: 0.95, critical_rate: 0.001 } }
`);
    expect(ok.monitors[0].stages?.act).toEqual({ pass_rate: 0.95, critical_rate: 0.001 });
  });

  it('a webhook with a literal token warns (without repeating it); ${ENV} does not', () => {
    const token = 'hooks.slack.com/services/T0123ABCD/B0456EFGH/abcdEFGH1234ijklMNOP5678';
    const literal = load(`  - name: answers
    webhook: https://${token}
`);
    const warning = literal.warnings.find((w) => w.includes('webhook'));
    expect(warning).toContain('monitor "answers"');
    expect(warning).toContain('evalspec.yaml:7');
    expect(warning).toContain('${MONITOR_WEBHOOK_URL}');
    expect(warning).not.toContain('abcdEFGH1234');
    const query = load(`  - name: answers
    webhook: "https://example.com/hook?key=s3cret"
`);
    expect(query.warnings.some((w) => w.includes('webhook'))).toBe(true);
    const env = load(`  - name: answers
    webhook: \${MONITOR_WEBHOOK_URL}
`);
    expect(env.warnings.some((w) => w.includes('webhook'))).toBe(false);
    const plain = load(`  - name: answers
    webhook: https://alerts.example.com/monitor
`);
    expect(plain.warnings.some((w) => w.includes('webhook'))).toBe(false);
  });
});

describe('a webhook never reaches the stored config', () => {
  it('a literal webhook URL is not in the config stored with runs (its secret is in the path)', () => {
    const suite = load(`  - name: answers
    webhook: https://hooks.slack.com/services/T000/B000/XXXXSECRETXXXX
`);
    expect(suite.monitors[0].webhook).toContain('XXXXSECRETXXXX'); // the live suite keeps it to post alerts
    expect(JSON.stringify(suite.storedConfig)).not.toContain('XXXXSECRETXXXX');
  });
});
