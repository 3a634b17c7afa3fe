// The suite's tools: (issue #16) on real files: resolved for the run (function paths absolute, parameters compiled),
// the hashes (tools and max_steps change the suite's, a case's tool_results its content hash), a case's
// tool_results in both forms, and how a call is answered (run/agent/tool-answers.ts): the case's results first,
// then the tool's, then its default; arguments checked against the parameters first.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSuite, type Suite } from '../../src/suite/index.js';
import { ToolAnswerer } from '../../src/run/agent/index.js';
import { cleanupTempDirs, tempDir, writeFiles } from '../helpers/cli.js';

afterAll(cleanupTempDirs);

const HEAD = `name: tools
models: [openai:gpt-4o-mini]
prompts:
  - id: v1
    messages: [{ role: user, content: "{{q}}" }]
`;

const TOOLS = `tools:
  - name: get_reservation
    parameters: { type: object, properties: { reservation_id: { type: string } }, required: [reservation_id] }
    results:
      - args: { reservation_id: ZFA04Y }
        result: { status: confirmed }
    result: { error: not found }
  - name: lookup
    function: ./lib/tools.mjs#lookup
    timeout_ms: 500
  - name: nothing
    result: null
`;

function load(yaml: string): Suite {
  const dir = tempDir();
  writeFiles(dir, { 'evalspec.yaml': yaml });
  return loadSuite(join(dir, 'evalspec.yaml'));
}

function loadError(yaml: string): { code: string; message: string; location: { line?: number } } {
  try {
    load(yaml);
  } catch (error) {
    return error as ReturnType<typeof loadError>;
  }
  throw new Error('expected the suite not to load');
}

const cases = (records: string) => `cases:\n${records}`;

describe('tools: in the suite', () => {
  it('resolves tools for the run: parameters, defaults, function module paths, max_steps', () => {
    const suite = load(HEAD + TOOLS + cases('  - { id: c1, vars: { q: hi } }\n'));
    expect(suite.maxSteps).toBe(10);
    expect(suite.tools.map((t) => t.name)).toEqual(['get_reservation', 'lookup', 'nothing']);
    const [reservation, lookup, nothing] = suite.tools;
    expect(reservation.defaultResult).toEqual({ value: { error: 'not found' } });
    expect(reservation.timeoutMs).toBe(10_000);
    expect(lookup.function).toMatchObject({ file: join(suite.dir, 'lib/tools.mjs'), exportName: 'lookup' });
    expect(lookup.function!.url).toMatch(/^file:\/\/.*\/lib\/tools\.mjs$/);
    expect(lookup.timeoutMs).toBe(500);
    expect(lookup.parameters).toEqual({ type: 'object', properties: {} }); // none given: no arguments
    expect(nothing.defaultResult).toEqual({ value: null }); // `result: null` is an answer, not "no answer"
    expect(load(HEAD + TOOLS + 'max_steps: 4\n' + cases('  - { id: c1, vars: { q: hi } }\n')).maxSteps).toBe(4);
  });

  it('warns when no model of the suite would call the tools', () => {
    const body = TOOLS + cases('  - { id: c1, vars: { q: hi } }\n');
    const functionOnly = load(HEAD.replace('models: [openai:gpt-4o-mini]', 'models: [function:./app.mjs]') + body);
    expect(functionOnly.warnings).toContain('the suite declares tools:, but no model is a network model: function: and replay: models do not call them');
    expect(load(HEAD + body).warnings.filter((w) => w.includes('tools'))).toEqual([]);
  });

  it('tools and max_steps change the suite hash; a case’s tool_results change its content hash', () => {
    const body = cases('  - { id: c1, vars: { q: hi } }\n');
    const plain = load(HEAD + body);
    const withTools = load(HEAD + TOOLS + body);
    const withSteps = load(HEAD + TOOLS + 'max_steps: 4\n' + body);
    expect(new Set([plain.hash, withTools.hash, withSteps.hash]).size).toBe(3);
    expect(load(HEAD + TOOLS + body).hash).toBe(withTools.hash); // and stays stable

    const answered = load(HEAD + TOOLS + cases('  - { id: c1, vars: { q: hi }, tool_results: { lookup: { id: 1 } } }\n'));
    const otherAnswer = load(HEAD + TOOLS + cases('  - { id: c1, vars: { q: hi }, tool_results: { lookup: { id: 2 } } }\n'));
    const contentHashes = [withTools, answered, otherAnswer].map((s) => s.cases[0].contentHash);
    expect(new Set(contentHashes).size).toBe(3);
  });

  it('reads tool_results as a list of {args?, result} or as one result for every call', () => {
    const suite = load(
      HEAD +
        TOOLS +
        cases(`  - id: c1
    vars: { q: hi }
    tool_results:
      get_reservation: [{ args: { reservation_id: ABC }, result: { status: cancelled } }, { result: { status: unknown } }]
      lookup: { rows: [1, 2] }
      nothing: [1, 2]
`),
    );
    expect(suite.cases[0].toolResults).toEqual({
      get_reservation: [{ args: { reservation_id: 'ABC' }, result: { status: 'cancelled' } }, { result: { status: 'unknown' } }],
      lookup: [{ result: { rows: [1, 2] } }],
      nothing: [{ result: [1, 2] }], // a list that is not of {args?, result} entries is one result
    });
  });

  it('refuses duplicate names, a tool with no way to answer, and parameters that are not an object schema, naming the line', () => {
    const dup = loadError(HEAD + TOOLS + '  - name: lookup\n    result: 1\n' + cases('  - { id: c1, vars: { q: hi } }\n'));
    expect(dup.message).toContain('two tools are named "lookup" (the first on line 13)');
    expect(dup.location.line).toBe(18);

    const mute = loadError(HEAD + 'tools:\n  - name: silent\n' + cases('  - { id: c1, vars: { q: hi } }\n'));
    expect(mute.message).toContain('tool "silent" has no way to answer');
    expect(mute.location.line).toBe(7);

    const notObject = loadError(HEAD + 'tools:\n  - name: t\n    parameters: { type: string }\n    result: 1\n' + cases('  - { id: c1, vars: { q: hi } }\n'));
    expect(notObject.message).toContain('parameters must describe an object');
    expect(notObject.location.line).toBe(8);
  });
});

describe('answering a tool call', () => {
  const suite = load(
    HEAD +
      TOOLS +
      cases(`  - id: c1
    vars: { q: hi }
    tool_results:
      get_reservation: [{ args: { reservation_id: ZFA04Y }, result: { status: cancelled } }]
`),
  );
  const tools = new Map(suite.tools.map((t) => [t.name, t]));
  const signal = new AbortController().signal;

  it('takes the case’s results first, then the tool’s, then its default', async () => {
    const withCase = new ToolAnswerer(tools, new Map(), { caseId: 'c1', repeat: 0, vars: {}, toolResults: suite.cases[0].toolResults });
    const plain = new ToolAnswerer(tools, new Map(), { caseId: 'c2', repeat: 0, vars: {} });
    // Extra arguments still match (the entry's args are a subset of the call's).
    expect(await withCase.answer('get_reservation', { reservation_id: 'ZFA04Y', verbose: true }, signal)).toEqual({ ok: true, value: { status: 'cancelled' } });
    expect(await plain.answer('get_reservation', { reservation_id: 'ZFA04Y' }, signal)).toEqual({ ok: true, value: { status: 'confirmed' } });
    expect(await plain.answer('get_reservation', { reservation_id: 'OTHER' }, signal)).toEqual({ ok: true, value: { error: 'not found' } });
    expect(await plain.answer('nothing', {}, signal)).toEqual({ ok: true, value: null });
  });

  it('checks the arguments against the parameters first, and names an unknown tool', async () => {
    const plain = new ToolAnswerer(tools, new Map(), { caseId: 'c2', repeat: 0, vars: {} });
    const invalid = await plain.answer('get_reservation', { id: 'ZFA04Y' }, signal);
    expect(invalid).toMatchObject({ ok: false, class: 'invalid-args' });
    expect((invalid as { message: string }).message).toContain("must have required property 'reservation_id'");
    expect(await plain.answer('cancel', {}, signal)).toMatchObject({ ok: false, class: 'unknown-tool' });
  });

  it('says no-result when nothing answers a call', async () => {
    const bare = load(HEAD + 'tools:\n  - name: t\n    results: [{ args: { a: 1 }, result: ok }]\n' + cases('  - { id: c1, vars: { q: hi } }\n'));
    const answerer = new ToolAnswerer(new Map(bare.tools.map((t) => [t.name, t])), new Map(), { caseId: 'c1', repeat: 0, vars: {} });
    expect(await answerer.answer('t', { a: 1 }, signal)).toEqual({ ok: true, value: 'ok' });
    expect(await answerer.answer('t', { a: 2 }, signal)).toMatchObject({ ok: false, class: 'no-result' });
  });
});
