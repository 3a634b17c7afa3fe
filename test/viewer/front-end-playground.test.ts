// Pure pieces of the Playground page (viewer-ui/src): the NDJSON reader of a streamed trial, the `{{var}}`
// highlighting and its check against a case's vars, and the fold of trial events into what the page shows.
import { describe, expect, it } from 'vitest';
import { readNdjson } from '../../viewer-ui/src/ndjson.js';
import { templateParts, templateVariables, unknownVariables } from '../../viewer-ui/src/template-vars.js';
import { applyTrialEvent, initialTrialState, splitKey, type TrialState } from '../../viewer-ui/src/trial-state.js';
import type { TrialComparison, TrialEvent, TrialResult } from '../../src/viewer/playground-types.js';

/** A body delivered as exactly these byte chunks, as a fetch reader would hand them over. */
function bodyOf(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const c of chunks) controller.enqueue(c);
      controller.close();
    },
  });
}

async function readAll(chunks: Uint8Array[]): Promise<unknown[]> {
  const events: unknown[] = [];
  await readNdjson(bodyOf(chunks), (e) => events.push(e));
  return events;
}

describe('readNdjson', () => {
  it('gives each line once it is complete, whatever the chunk boundaries (inside a line, inside a UTF-8 character)', async () => {
    const bytes = new TextEncoder().encode('{"type":"delta","text":"café ☕"}\n{"n":2}\n\n{"n":3}');
    // "é" is the two bytes C3 A9: cut between them, and cut the first line and the second's braces apart.
    const e = bytes.indexOf(0xc3);
    const cuts = [3, e + 1, bytes.indexOf(0x0a) + 2, bytes.length - 2];
    const chunks = [0, ...cuts].map((start, i) => bytes.slice(start, [...cuts, bytes.length][i]));
    expect(chunks.map((c) => c.length).reduce((a, b) => a + b)).toBe(bytes.length);
    expect(await readAll(chunks)).toEqual([{ type: 'delta', text: 'café ☕' }, { n: 2 }, { n: 3 }]);
  });

  it('gives every event of a one-byte-at-a-time body, and nothing for an empty one', async () => {
    const bytes = new TextEncoder().encode('{"a":1}\n{"b":"ü"}\n');
    expect(await readAll([...bytes].map((b) => Uint8Array.of(b)))).toEqual([{ a: 1 }, { b: 'ü' }]);
    expect(await readAll([])).toEqual([]);
  });

  it('a line that is not JSON is an error naming its line number', async () => {
    await expect(readAll([new TextEncoder().encode('{"ok":true}\n<html>oops\n')])).rejects.toThrow("line 2 of the server's answer is not JSON: <html>oops");
  });
});

describe('templateParts / unknownVariables', () => {
  const vars = { question: 'How long?', customer: { name: 'Ana' } };

  it('splits text and placeholders (spaces and dotted paths allowed), each placeholder checked against the vars', () => {
    const parts = templateParts('Hi {{ customer.name }}, re: {{question}} ({{order_id}}) {{ 9bad }}', vars);
    expect(parts).toEqual([
      { kind: 'text', text: 'Hi ' },
      { kind: 'var', text: '{{ customer.name }}', path: 'customer.name', known: true },
      { kind: 'text', text: ', re: ' },
      { kind: 'var', text: '{{question}}', path: 'question', known: true },
      { kind: 'text', text: ' (' },
      { kind: 'var', text: '{{order_id}}', path: 'order_id', known: false },
      // Not a placeholder for the suite either (a name starts with a letter or _): left as text.
      { kind: 'text', text: ') {{ 9bad }}' },
    ]);
    expect(parts.map((p) => p.text).join('')).toBe('Hi {{ customer.name }}, re: {{question}} ({{order_id}}) {{ 9bad }}');
  });

  it('with no case at hand nothing is flagged; a missing nested key is', () => {
    expect(templateParts('{{x}}', null)).toEqual([{ kind: 'var', text: '{{x}}', path: 'x', known: null }]);
    expect(unknownVariables(['{{customer.name}} {{customer.email}}', '{{question}} {{order_id}} {{order_id}}'], vars)).toEqual(['customer.email', 'order_id']);
    expect(templateVariables(['{{a.b}} {{c}}', '{{a}}'])).toEqual(['a', 'c']);
  });
});

const result = (over: Partial<TrialResult>): TrialResult => ({
  caseId: 'c1',
  repeat: 0,
  side: 'trial',
  output: null,
  pass: null,
  checks: [],
  latencyMs: null,
  ttftMs: null,
  outputTokens: null,
  costUsd: null,
  errorClass: null,
  errorMessage: null,
  ...over,
});

describe('applyTrialEvent', () => {
  const fold = (events: TrialEvent[]): TrialState => events.reduce(applyTrialEvent, initialTrialState());

  it("concatenates a case's deltas until its trial result, which then replaces them; keys keep arrival order", () => {
    const spend = { capUsd: 5, spentUsd: 0 };
    const s = fold([
      { type: 'start', trialRunId: 'r-pg', estimate: { calls: 2, reused: 2, costUsd: 0.002, spend, withinCap: true } },
      { type: 'result', result: result({ caseId: 'c|2', side: 'stored', output: 'old', pass: false }) },
      { type: 'delta', caseId: 'c1', repeat: 0, text: 'Hel' },
      { type: 'delta', caseId: 'c|2', repeat: 0, text: 'Ne' },
      { type: 'delta', caseId: 'c1', repeat: 0, text: 'lo' },
    ]);
    expect(s.trialRunId).toBe('r-pg');
    expect(s.streaming).toEqual({ 'c1|0': 'Hello', 'c|2|0': 'Ne' });
    expect(s.order).toEqual(['c|2|0', 'c1|0']);
    expect(splitKey('c|2|0')).toEqual({ caseId: 'c|2', repeat: 0 });
    const done = fold([
      { type: 'delta', caseId: 'c1', repeat: 0, text: 'Hel' },
      { type: 'result', result: result({ output: 'Hello', pass: true }) },
      { type: 'delta', caseId: 'c1', repeat: 0, text: 'stray' },
    ]);
    expect(done.streaming).toEqual({});
    expect(done.results['c1|0'].trial?.output).toBe('Hello');
    expect(done.status).toBe('running');
  });

  it('ends with the comparison and the spend, or fails with the error', () => {
    const comparison = { cases: 1 } as TrialComparison;
    const ended = fold([{ type: 'end', status: 'completed', comparison, spend: { capUsd: 5, spentUsd: 0.01 } }]);
    expect([ended.status, ended.runStatus, ended.comparison, ended.spend?.spentUsd]).toEqual(['done', 'completed', comparison, 0.01]);
    const failed = fold([{ type: 'error', code: 'SPEND_CAP', message: 'over the cap', hint: 'raise --playground-max-cost' }]);
    expect([failed.status, failed.error?.code, failed.error?.hint]).toEqual(['failed', 'SPEND_CAP', 'raise --playground-max-cost']);
  });
});
