// monitor/promote.ts's pure parts: the seeded per-segment sample (independent of the order records arrive in, n per
// segment), the case a record becomes under redaction rules, time bounds, and a case's `provenance:` staying out of
// the case and suite hashes (an existing suite keeps its hash; a promoted case hashes as the same case without it).
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { cleanupTempDirs, jsonl, tempDir, writeFiles } from '../helpers/cli.js';
import { caseFromRecord, parseTimeBound, SeededSample, type PromotedCase } from '../../src/monitor/index.js';
import { loadSuite } from '../../src/suite/index.js';
import type { ProductionRecord } from '../../src/store/index.js';

afterAll(() => cleanupTempDirs());

const NO_RULES = { attributes: {}, redact: { attributes: [], patterns: [] } };

function record(i: number, more: Partial<ProductionRecord> = {}): ProductionRecord {
  return {
    id: `rec${String(i).padStart(4, '0')}`,
    suite: 's',
    traceId: `t${i}`,
    spanId: `s${i}`,
    parentSpanId: null,
    conversationId: null,
    startedAt: '2026-12-01T00:00:00.000Z',
    endedAt: null,
    ingestedAt: '2026-12-01T00:00:01.000Z',
    source: 'jsonl',
    provider: null,
    model: 'm',
    responseModel: null,
    input: [{ role: 'user', content: `question ${i}` }],
    language: null,
    output: 'answer',
    toolCalls: [],
    inputTokens: null,
    outputTokens: null,
    costUsd: null,
    latencyMs: null,
    ttftMs: null,
    finishReason: null,
    attributes: {},
    tags: [],
    contentHash: `h${i}`,
    flagged: false,
    ...more,
  };
}

const promoted = (r: ProductionRecord): PromotedCase => caseFromRecord(r, NO_RULES, { monitor: null, selected: 'sample', failed_checks: [] })!;

describe('SeededSample', () => {
  // 40 records: segment a (0–19), b (20–34), c (35–37, fewer than n), and 38–39 untagged.
  const tagOf = (i: number) => (i < 20 ? ['seg:a'] : i < 35 ? ['seg:b'] : i < 38 ? ['seg:c'] : []);
  const items = Array.from({ length: 40 }, (_, i) => promoted(record(i, { tags: tagOf(i) })));
  const draw = (order: PromotedCase[], seed = 's1') => {
    const sample = new SeededSample(4, seed, true);
    for (const item of order) sample.offer(item);
    return sample
      .chosen()
      .map((c) => c.id)
      .sort();
  };

  it('takes n per segment (all of a smaller one), whatever the order records arrive in', () => {
    const forward = draw(items);
    expect(draw([...items].reverse())).toEqual(forward);
    const interleaved = [...items.filter((_, i) => i % 2 === 0), ...items.filter((_, i) => i % 2 === 1)];
    expect(draw(interleaved)).toEqual(forward);
    const bySegment = (ids: string[]) => {
      const counts: Record<string, number> = {};
      for (const id of ids) {
        const tags = items.find((c) => c.id === id)!.tags.filter((t) => t !== 'production');
        const key = tags[0] ?? 'untagged';
        counts[key] = (counts[key] ?? 0) + 1;
      }
      return counts;
    };
    expect(bySegment(forward)).toEqual({ 'seg:a': 4, 'seg:b': 4, 'seg:c': 3, untagged: 2 });
    expect(draw(items, 's2')).not.toEqual(forward);
  });

  it('overall (no --per-segment): n records in all', () => {
    const sample = new SeededSample(5, 'x', false);
    for (const item of items) sample.offer(item);
    expect(sample.chosen()).toHaveLength(5);
  });
});

describe('caseFromRecord', () => {
  const rules = {
    attributes: { 'app.plan': 'plan:{{value}}', 'app.user': 'user:{{value}}' },
    redact: { attributes: ['app.user'], patterns: [{ regex: String.raw`\d{4}-\d{4}`, replace: '[card]' }] },
  };
  it('re-applies redaction: drops listed and altered attributes and their tags, replaces patterns in messages', () => {
    const r = record(1, {
      input: [
        { role: 'system', content: 'be nice' },
        { role: 'user', content: 'card 1234-5678 declined' },
      ],
      attributes: { 'app.plan': 'pro', 'app.user': 'u42', 'app.note': 'paid with 1111-2222' },
      tags: ['plan:pro', 'user:u42'],
    });
    const c = caseFromRecord(r, rules, { monitor: 'm', selected: 'failed', failed_checks: ['x'] })!;
    expect(c.vars.input).toBe('card [card] declined');
    expect(c.vars).not.toHaveProperty('messages'); // one user turn: not multi-turn
    expect(c.vars).not.toHaveProperty(['app.user']);
    expect(c.vars).not.toHaveProperty(['app.note']);
    expect(c.vars['app.plan']).toBe('pro');
    expect(c.tags).toEqual(['plan:pro', 'production']);
    expect(JSON.stringify(c)).not.toMatch(/u42|1234-5678|1111-2222/);
  });
  it('no user message, or one redaction empties → undefined', () => {
    expect(caseFromRecord(record(2, { input: null }), NO_RULES, { monitor: null, selected: 'failed', failed_checks: [] })).toBeUndefined();
    const secret = { attributes: {}, redact: { attributes: [], patterns: [{ regex: 'sk-\\w+', replace: '' }] } };
    expect(
      caseFromRecord(record(3, { input: [{ role: 'user', content: ' sk-abc ' }] }), secret, { monitor: null, selected: 'failed', failed_checks: [] }),
    ).toBeUndefined();
  });
});

describe('parseTimeBound', () => {
  const now = new Date('2026-12-05T12:00:00Z');
  it('durations count back from now; ISO dates are normalised; anything else is a usage error', () => {
    expect(parseTimeBound('7d', '--since', now)).toBe('2026-11-28T12:00:00.000Z');
    expect(parseTimeBound('36h', '--since', now)).toBe('2026-12-04T00:00:00.000Z');
    expect(parseTimeBound('2026-12-01', '--since', now)).toBe('2026-12-01T00:00:00.000Z');
    expect(() => parseTimeBound('yesterday', '--until', now)).toThrow(/--until must be a duration/);
  });
});

describe('provenance: outside the hashes', () => {
  it('a case with provenance hashes as the same case without it, and the suite hash does not move', () => {
    const dir = tempDir();
    const suite = (cases: string) => `name: h\nmodels: [openai:gpt-4o-mini]\nproviders: { openai: { apiKey: sk-x-000000 } }\ncases: ${cases}\n`;
    const plain = { id: 'c1', vars: { input: 'hi' }, tags: ['production'] };
    writeFiles(dir, {
      'a.yaml': suite('a.jsonl'),
      'b.yaml': suite('b.jsonl'),
      'a.jsonl': jsonl([plain]),
      'b.jsonl': jsonl([{ ...plain, provenance: { source: 'production', trace_id: 't1', failed_checks: ['polite'] } }]),
    });
    const a = loadSuite(join(dir, 'a.yaml'));
    const b = loadSuite(join(dir, 'b.yaml'));
    expect(b.cases[0].provenance).toMatchObject({ trace_id: 't1' });
    expect(b.cases[0].contentHash).toBe(a.cases[0].contentHash);
    expect(b.hash).toBe(a.hash);
  });
});
