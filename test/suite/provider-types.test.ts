// The per-type rules a suite's providers follow, now read from one place (suite/provider-types.ts for loading,
// run/providers/ for calling): which types need no declaration, which need a baseURL, which name a file, which
// can judge. The expected lists are written out here from docs/suite-format.md, not read from the code.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSuite, type Suite } from '../../src/suite/index.js';
import { judgeModelRef } from '../../src/run/index.js';
import { cleanupTempDirs, tempDir, writeFiles } from '../helpers/cli.js';

afterAll(cleanupTempDirs);

function load(yaml: string): Suite {
  const dir = tempDir();
  writeFiles(dir, { 'evalspec.yaml': yaml, 'app.mjs': 'export default () => "hi";\n', 'out.jsonl': '{"id":"c1","output":"hi"}\n' });
  return loadSuite(join(dir, 'evalspec.yaml'));
}

function failure(run: () => unknown): { code: string; message: string; hint?: string } {
  try {
    run();
  } catch (error) {
    return error as { code: string; message: string; hint?: string };
  }
  throw new Error('expected an error');
}

const CASES = 'cases: [{ id: c1 }]\n';

describe('provider types', () => {
  it('openai, anthropic, google, function and replay need no declaration; function and replay models are labelled by file name', () => {
    const suite = load(
      `name: t\nmodels: [openai:gpt-4o-mini, anthropic:claude-3-5-haiku-latest, google:gemini-2.0-flash, function:./app.mjs, replay:./out.jsonl]\n${CASES}`,
    );
    expect(suite.models.map((m) => [m.providerType, m.label])).toEqual([
      ['openai', 'gpt-4o-mini'],
      ['anthropic', 'claude-3-5-haiku-latest'],
      ['google', 'gemini-2.0-flash'],
      ['function', 'app'],
      ['replay', 'out'],
    ]);
  });

  it('an undeclared provider lists the built-in types (openai-compatible is not one: it needs a baseURL)', () => {
    const e = failure(() => load(`name: t\nmodels: [local:llama3]\n${CASES}`));
    expect(e.code).toBe('PROVIDER_UNKNOWN');
    expect(e.hint).toContain('use one of: openai, anthropic, google, function, replay;');
    expect(e.hint).toContain('(openai, anthropic, google, openai-compatible, function, replay)');
  });

  it('openai-compatible without a baseURL is a config error with an example', () => {
    const e = failure(() => load(`name: t\nproviders:\n  local: { type: openai-compatible }\nmodels: [local:llama3]\n${CASES}`));
    expect(e.code).toBe('PROVIDER_CONFIG');
    expect(e.message).toBe('provider "local" (openai-compatible) needs a baseURL');
    expect(e.hint).toBe('e.g. baseURL: http://localhost:11434/v1 for Ollama');
  });

  it('a provider id that is no type needs a type; an unknown type is a schema error', () => {
    expect(failure(() => load(`name: t\nproviders:\n  local: { baseURL: "http://x" }\nmodels: [local:llama3]\n${CASES}`)).message).toBe(
      'provider "local" needs a type',
    );
    const e = failure(() => load(`name: t\nproviders:\n  local: { type: openai-compat, baseURL: "http://x" }\nmodels: [local:llama3]\n${CASES}`));
    expect(e.code).toBe('SUITE_SCHEMA');
  });

  it('a replay log cannot judge; an unknown judge provider lists only types that can', () => {
    const suite = load(`name: t\nproviders:\n  logs: { type: replay }\nmodels: [replay:./out.jsonl]\n${CASES}`);
    expect(failure(() => judgeModelRef(suite, 'replay:./out.jsonl')).message).toBe('judge model "replay:./out.jsonl": a replay log cannot be a judge');
    expect(failure(() => judgeModelRef(suite, 'logs:./out.jsonl')).code).toBe('PROVIDER_CONFIG');
    const e = failure(() => judgeModelRef(suite, 'nope:gpt-4o'));
    expect(e.code).toBe('PROVIDER_UNKNOWN');
    expect(e.hint).toContain('use one of: openai, anthropic, google, function;');
    expect(judgeModelRef(suite, 'function:./app.mjs').providerType).toBe('function');
  });
});
