// "Save as prompt version" (POST /api/playground/prompts): the edited messages become a new `prompts:` entry of the
// run's suite file, so the next `run` includes it. The entry is spliced into the file's text at the end of the
// `prompts:` list (the `yaml` package's parse gives the list's range and style), so every other byte of the file,
// comments included, stays as it was; the result is parsed back and must equal the old data plus the entry, and
// must load as a suite, or the file is restored and the save refused.
import { readFileSync, writeFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { isSeq, parseDocument, stringify } from 'yaml';
import { EvalspecError } from '../errors.js';
import { loadSuite } from '../suite/index.js';
import type { Store } from '../store/index.js';
import type { PlaygroundMessage, SavePromptRequest, SavePromptResult } from '../viewer/index.js';
import { storedRun } from './run-info.js';

const PROMPT_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** The next free `<base>-v<N>` (N from 2), base = the first prompt's id without its own -vN. */
export function nextPromptId(existing: string[]): string {
  const base = (existing[0] ?? 'prompt').replace(/-v\d+$/, '');
  for (let n = 2; ; n++) if (!existing.includes(`${base}-v${n}`)) return `${base}-v${n}`;
}

/** The entry's text and where it goes in `text` (the end of the prompts list), or why it cannot be placed. */
function splice(text: string, entry: { id: string; messages: PlaygroundMessage[] }): { text: string; at: number } {
  const doc = parseDocument(text);
  const prompts = doc.get('prompts', true);
  if (!isSeq(prompts) || !prompts.range) {
    throw new EvalspecError('USAGE', 'the suite file has no prompts: list to add a version to', {
      hint: 'a suite without prompts: calls replay:/function: models only; write the prompt under prompts: by hand',
    });
  }
  const [start, valueEnd] = prompts.range;
  if (prompts.flow) {
    // `prompts: [ {...}, {...} ]`: one more flow item before the closing bracket (JSON is YAML flow).
    const close = text.lastIndexOf(']', valueEnd);
    const at = close;
    const before = text.slice(0, at).trimEnd().endsWith('[') ? '' : ', ';
    return { text: `${text.slice(0, at)}${before}${JSON.stringify(entry)}${text.slice(at)}`, at };
  }
  // A block list: the new item at the list's indentation, after its last item's lines.
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const indent = ' '.repeat(start - lineStart);
  const block = stringify([entry], { lineWidth: 0 })
    .split('\n')
    .map((line) => (line === '' ? line : indent + line))
    .join('\n');
  const at = valueEnd;
  const newline = at > 0 && text[at - 1] !== '\n' ? '\n' : '';
  return { text: `${text.slice(0, at)}${newline}${block}${text.slice(at)}`, at: at + newline.length };
}

function validMessages(messages: PlaygroundMessage[]): void {
  if (!Array.isArray(messages) || messages.length === 0)
    throw new EvalspecError('USAGE', 'a prompt needs at least one message', { hint: 'add a user message' });
}

export async function savePrompt(store: Store, request: SavePromptRequest): Promise<SavePromptResult> {
  const run = await storedRun(store, request.runId);
  validMessages(request.messages);
  const file = run.suiteFile;
  const suite = loadSuite(file);
  if (suite.promptsImplicit) {
    throw new EvalspecError('USAGE', `${file} has no prompts: its models are called without messages`, {
      file,
      hint: 'add a prompts: list to the suite by hand; the playground then adds versions to it',
    });
  }
  const ids = suite.prompts.map((p) => p.id);
  const id = request.id?.trim() || nextPromptId(ids);
  if (!PROMPT_ID.test(id)) {
    throw new EvalspecError('USAGE', `prompt id "${id}" is not usable`, { hint: 'letters, digits, _ . - (at most 64), starting with a letter or digit' });
  }
  if (ids.includes(id))
    throw new EvalspecError('USAGE', `the suite already has a prompt "${id}"`, { file, hint: `pick another id, e.g. ${nextPromptId(ids)}` });

  const original = readFileSync(file, 'utf8');
  const entry = { id, messages: request.messages.map((m) => ({ role: m.role, content: m.content })) };
  const next = splice(original, entry);
  // The data must be the old data plus exactly this entry: anything else means the splice misread the file.
  const before = parseDocument(original).toJS() as { prompts: unknown[] };
  const after = parseDocument(next.text).toJS() as unknown;
  if (!isDeepStrictEqual(after, { ...before, prompts: [...before.prompts, entry] })) {
    throw new EvalspecError('USAGE', `cannot add the prompt to ${file} without changing the rest of the file`, {
      file,
      hint: 'add the prompt under prompts: by hand',
    });
  }
  writeFileSync(file, next.text);
  try {
    loadSuite(file);
  } catch (error) {
    writeFileSync(file, original);
    const e = error as EvalspecError;
    throw new EvalspecError('USAGE', `the suite would no longer load with prompt "${id}": ${e.message}`, { file, hint: e.hint ?? 'check the messages' });
  }
  return { file, promptId: id, line: next.text.slice(0, next.at).split('\n').length };
}
