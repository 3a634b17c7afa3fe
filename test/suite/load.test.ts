// suite/load.ts on real files: cases inline, from JSONL, CSV and JSON (same cases, same hash-independent
// content), ${VAR} / ${VAR:-default} in provider settings (resolved late, placeholders stored, secrets
// redacted), and bad input: unknown keys list the valid ones, errors name the file and the line.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSuite, resolveEnv, requireEnv, type Suite } from '../../src/suite/index.js';
import { cleanupTempDirs, jsonl, tempDir, writeFiles } from '../helpers/cli.js';

afterAll(cleanupTempDirs);

const HEAD = `name: demo
models: [openai:gpt-4o-mini]
prompts:
  - id: v1
    messages:
      - { role: user, content: "Capital of {{country}}?" }
checks: [{ type: contains, value: "{{capital}}" }]
`;

function load(files: Record<string, string>, main = 'evalspec.yaml'): Suite {
  const dir = tempDir();
  writeFiles(dir, files);
  return loadSuite(join(dir, main));
}

/** The EvalspecError loading throws. */
function loadError(files: Record<string, string>): {
  code: string;
  message: string;
  hint?: string;
  location: { file?: string; line?: number; caseId?: string };
} {
  try {
    load(files);
  } catch (error) {
    return error as ReturnType<typeof loadError>;
  }
  throw new Error('expected the suite not to load');
}

const CASES = [
  { id: 'fr', vars: { country: 'France', capital: 'Paris' }, tags: ['eu'] },
  { id: 'jp', vars: { country: 'Japan', capital: 'Tokyo' } },
];
const summary = (s: Suite) => s.cases.map((c) => ({ id: c.id, vars: c.vars, tags: c.tags }));

describe('cases', () => {
  it('inline, JSONL, CSV and JSON files give the same cases', () => {
    const expected = [
      { id: 'fr', vars: { country: 'France', capital: 'Paris' }, tags: ['eu'] },
      { id: 'jp', vars: { country: 'Japan', capital: 'Tokyo' }, tags: [] },
    ];
    const inline = load({ 'evalspec.yaml': `${HEAD}cases:\n${CASES.map((c) => `  - ${JSON.stringify(c)}`).join('\n')}\n` });
    const fromJsonl = load({ 'evalspec.yaml': `${HEAD}cases: data/cases.jsonl\n`, 'data/cases.jsonl': jsonl(CASES) });
    const fromJson = load({ 'evalspec.yaml': `${HEAD}cases: cases.json\n`, 'cases.json': JSON.stringify(CASES) });
    // CSV: an id and tags column; every other column is a var.
    const fromCsv = load({ 'evalspec.yaml': `${HEAD}cases: cases.csv\n`, 'cases.csv': 'id,country,capital,tags\nfr,France,Paris,eu\njp,Japan,Tokyo,\n' });
    for (const s of [inline, fromJsonl, fromJson, fromCsv]) expect(summary(s)).toEqual(expected);
    // The cases' file and line are kept for error messages: line 2 of the JSONL is jp.
    expect(fromJsonl.cases[1].source.line).toBe(2);
    expect(fromJsonl.cases[1].source.file).toMatch(/data\/cases\.jsonl$/);
    expect(inline.cases[0].source.line).toBe(9); // HEAD is 7 lines, "cases:" is line 8, its first item line 9
  });

  it('a case without an id gets a stable one from its vars; the same suite hashes the same', () => {
    const files = { 'evalspec.yaml': `${HEAD}cases: cases.jsonl\n`, 'cases.jsonl': jsonl([{ vars: { country: 'Peru', capital: 'Lima' } }]) };
    const a = load(files);
    const b = load(files);
    expect(a.cases[0].id).toMatch(/\S/);
    expect(a.cases[0].id).toBe(b.cases[0].id);
    expect(a.hash).toBe(b.hash);
    const changed = load({ ...files, 'cases.jsonl': jsonl([{ vars: { country: 'Peru', capital: 'Cusco' } }]) });
    expect(changed.hash).not.toBe(a.hash);
  });

  it('a bad JSONL line names the file and the line', () => {
    const e = loadError({ 'evalspec.yaml': `${HEAD}cases: cases.jsonl\n`, 'cases.jsonl': `${JSON.stringify(CASES[0])}\n{"id": "jp", "vars": \n` });
    expect(e.code).toBe('CASES_PARSE');
    expect(e.location.file).toMatch(/cases\.jsonl$/);
    expect(e.location.line).toBe(2);
  });

  it('a duplicate case id names both lines', () => {
    const e = loadError({ 'evalspec.yaml': `${HEAD}cases: cases.jsonl\n`, 'cases.jsonl': jsonl([CASES[0], CASES[1], CASES[0]]) });
    expect(e.code).toBe('CASES_SCHEMA');
    expect(e.message).toBe('duplicate case id "fr" (first seen on line 1)');
    expect(e.location.line).toBe(3);
  });

  it('a missing cases file is named, with the suite line that points to it', () => {
    const e = loadError({ 'evalspec.yaml': `${HEAD}cases: nope.jsonl\n` });
    expect(e.code).toBe('CASES_FILE');
    expect(e.message).toMatch(/cases file not found: .*nope\.jsonl$/);
    expect(e.location.line).toBe(8);
  });
});

describe('unknown keys and schema errors', () => {
  it('an unknown top-level key is an error listing the valid keys, at its line', () => {
    const e = loadError({ 'evalspec.yaml': `${HEAD}cases: []\nconcurency: 4\n` });
    expect(e.code).toBe('SUITE_SCHEMA');
    expect(e.location.line).toBe(9);
    const text = `${e.message}\n${e.hint ?? ''}`;
    expect(text).toContain('concurency');
    expect(text).toContain('concurrency'); // the valid key (a suggestion or the list)
    expect(text).toMatch(/models/);
  });

  it('an unknown key in a provider lists the provider keys', () => {
    const e = loadError({ 'evalspec.yaml': `name: demo\nproviders:\n  openai: { baseUrl: "http://x" }\nmodels: [openai:gpt-4o]\ncases: []\n` });
    expect(e.location.line).toBe(3);
    const text = `${e.message}\n${e.hint ?? ''}`;
    expect(text).toContain('baseUrl');
    expect(text).toContain('baseURL');
  });

  it('an unknown provider in a model names the model and its line', () => {
    const e = loadError({ 'evalspec.yaml': `name: demo\nmodels:\n  - openai:gpt-4o\n  - opneai:gpt-4o\ncases: []\n` });
    expect(e.code).toBe('PROVIDER_UNKNOWN');
    expect(e.message).toContain('"opneai"');
    expect(e.message).toContain('did you mean openai?');
    expect(e.location.line).toBe(4);
  });
});

describe('${VAR} and ${VAR:-default}', () => {
  it('resolveEnv: set, unset, empty and defaulted variables', () => {
    const env = { HOST: 'example.com', EMPTY: '' };
    expect(resolveEnv('https://${HOST}/v1', env)).toEqual({ value: 'https://example.com/v1', missing: [] });
    expect(resolveEnv('${NOPE}', env)).toEqual({ value: undefined, missing: ['NOPE'] });
    expect(resolveEnv('${EMPTY:-fallback}', env)).toEqual({ value: 'fallback', missing: [] }); // empty counts as unset
    expect(resolveEnv('${NOPE:-http://localhost:8080}/v1', env)).toEqual({ value: 'http://localhost:8080/v1', missing: [] });
    expect(resolveEnv('no variables', env)).toEqual({ value: 'no variables', missing: [] });
  });

  it('requireEnv names the variable and how to give a default', () => {
    expect(() => requireEnv('${MY_TOKEN}', 'providers.x.apiKey', { file: 'f', line: 3 }, {})).toThrow(/reads environment variable MY_TOKEN, which is not set/);
    try {
      requireEnv('${MY_TOKEN}', 'providers.x.apiKey', { file: 'f', line: 3 }, {});
    } catch (error) {
      expect((error as { hint: string }).hint).toContain('${MY_TOKEN:-default}');
    }
  });

  it('a suite keeps the placeholders (resolved when the provider is built) and redacts keys', () => {
    const s = load({
      'evalspec.yaml': `name: demo
providers:
  local: { type: openai-compatible, baseURL: "\${LOCAL_URL:-http://127.0.0.1:9/v1}", apiKey: "\${LOCAL_KEY}" }
models: [local:llama]
cases: []
`,
    });
    expect(s.providers.local.baseURL).toBe('${LOCAL_URL:-http://127.0.0.1:9/v1}');
    const stored = JSON.stringify(s.storedConfig);
    expect(stored).toContain('${LOCAL_URL:-http://127.0.0.1:9/v1}');
    expect(stored).not.toContain('${LOCAL_KEY}');
  });
});
