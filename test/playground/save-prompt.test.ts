// Saving a prompt version into a suite file (playground/save-prompt.ts) on the file shapes a user writes: a flow
// `prompts: [...]` list, a file without a final newline, and a suite with no prompts at all. Every other byte stays.
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { cleanupTempDirs, tempDir, writeFiles, jsonl } from '../helpers/cli.js';
import { openStore, type Store } from '../../src/store/index.js';
import { loadSuite } from '../../src/suite/index.js';
import { nextPromptId, savePrompt } from '../../src/playground/index.js';
import { runSuite } from '../../src/pipeline.js';

afterAll(() => cleanupTempDirs());

const CASES = jsonl([{ id: 'a', vars: { q: 'hello' } }]);

/** A stored run of a replay suite (no network): what savePrompt needs is its suite file's path. */
async function storedRunOf(suite: string): Promise<{ store: Store; runId: string; file: string }> {
  const dir = tempDir('evalspec-save-prompt-');
  writeFiles(dir, { 'evalspec.yaml': suite, 'cases.jsonl': CASES, 'log.jsonl': jsonl([{ id: 'a', output: 'hi' }]) });
  const db = join(dir, 'evalspec.db');
  const { outcome } = await runSuite(join(dir, 'evalspec.yaml'), { db });
  return { store: openStore(db), runId: outcome.runId, file: join(dir, 'evalspec.yaml') };
}

const NEW = [
  { role: 'system' as const, content: 'Be brief: "quotes", {braces} and # hashes stay text.' },
  { role: 'user' as const, content: '{{q}}' },
];

describe('save a prompt version', () => {
  it('adds an item to a flow list before its bracket, keeping the comment after it', async () => {
    const text = `name: flow # a comment\nmodels: [replay:log.jsonl]\nprompts: [{ id: p1, messages: [{ role: user, content: "{{q}}" }] }] # keep me\ncases: cases.jsonl\n`;
    const { store, runId, file } = await storedRunOf(text);
    try {
      const saved = await savePrompt(store, { runId, messages: NEW });
      expect(saved.promptId).toBe('p1-v2');
      const after = readFileSync(file, 'utf8');
      const at = text.indexOf('] # keep me');
      expect(after.slice(0, at)).toBe(text.slice(0, at));
      expect(after.slice(after.indexOf('] # keep me'))).toBe(text.slice(at));
      expect(loadSuite(file).prompts.find((p) => p.id === 'p1-v2')!.messages).toEqual(NEW);
    } finally {
      await store.close();
    }
  });

  it('adds a block item to a file without a final newline', async () => {
    const text = `name: block\nmodels: [replay:log.jsonl]\ncases: cases.jsonl\nprompts:\n  - id: base\n    messages:\n      - role: user\n        content: "{{q}}"`;
    const { store, runId, file } = await storedRunOf(text);
    try {
      const saved = await savePrompt(store, { runId, id: 'terse', messages: NEW });
      const after = readFileSync(file, 'utf8');
      expect(after.startsWith(`${text}\n  - id: terse\n`)).toBe(true);
      expect(saved.line).toBe(9);
      expect(loadSuite(file).prompts.map((p) => p.id)).toEqual(['base', 'terse']);
    } finally {
      await store.close();
    }
  });

  it('refuses a suite with no prompts: list and a bad id, leaving the file as it was', async () => {
    const text = `name: none\nmodels: [replay:log.jsonl]\ncases: cases.jsonl\n`;
    const { store, runId, file } = await storedRunOf(text);
    try {
      await expect(savePrompt(store, { runId, messages: NEW })).rejects.toThrow(/has no prompts/);
      writeFileSync(file, `${text}prompts: [{ id: p, messages: [{ role: user, content: x }] }]\n`);
      await expect(savePrompt(store, { runId, id: 'no spaces', messages: NEW })).rejects.toThrow(/not usable/);
      expect(readFileSync(file, 'utf8')).toBe(`${text}prompts: [{ id: p, messages: [{ role: user, content: x }] }]\n`);
    } finally {
      await store.close();
    }
  });

  it('names a version <base>-v<N> with the first free N', () => {
    expect(nextPromptId(['support', 'support-v2'])).toBe('support-v3');
    expect(nextPromptId(['support-v2'])).toBe('support-v3');
    expect(nextPromptId([])).toBe('prompt-v2');
  });
});
