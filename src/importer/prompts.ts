// promptfoo `prompts:` → evalspec prompts. Inline strings, `file://` text files (several prompts separated by a
// `---` line), JSON and YAML chat messages; prompt functions (.js, .py) and globs are listed, not guessed.
import { existsSync } from 'node:fs';
import { readTextFile } from '../suite/index.js';
import type { Message, Prompt } from '../suite/index.js';
import { displayPath, fileRef, isGlob, lowerExtension, readYamlFile, resolveRef, type SourceFile } from './config.js';
import type { ImportIssues } from './issues.js';
import { convertTemplate } from './templates.js';

/** What a prompt entry said, before conversion: its messages, where they came from, and its label. */
interface RawPrompt {
  messages: Message[];
  file: string;
  line?: number;
  key: string;
  label?: string;
}

const SEPARATOR = /^-{3,}\s*$/m;
const ROLES = new Set(['system', 'user', 'assistant']);

/** Chat messages from parsed JSON/YAML (an array, or `{ messages: [...] }`); content parts' texts joined. */
function chatMessages(data: unknown, drop: (key: string, reason: string, fix: string) => void): Message[] | undefined {
  const list = Array.isArray(data) ? data : (data as { messages?: unknown } | null)?.messages;
  if (!Array.isArray(list) || list.length === 0) return undefined;
  const messages: Message[] = [];
  for (const [i, m] of list.entries()) {
    const { role, content, ...rest } = (m ?? {}) as { role?: unknown; content?: unknown };
    if (typeof role !== 'string' || !ROLES.has(role)) return undefined;
    for (const key of Object.keys(rest))
      drop(`messages[${i}].${key}`, 'a message field evalspec does not send', 'remove it, or set it in your own function: model');
    if (typeof content === 'string') messages.push({ role: role as Message['role'], content });
    else if (Array.isArray(content)) {
      const texts: string[] = [];
      for (const [j, part] of content.entries()) {
        const { type, text, ...extra } = (part ?? {}) as { type?: unknown; text?: unknown };
        if (type !== 'text' || typeof text !== 'string') return undefined; // images, audio: not a text prompt
        texts.push(text);
        for (const key of Object.keys(extra)) {
          drop(
            `messages[${i}].content[${j}].${key}`,
            `a provider hint (${key}) evalspec does not send`,
            'nothing to do unless you rely on it (e.g. prompt caching)',
          );
        }
      }
      messages.push({ role: role as Message['role'], content: texts.join('\n') });
    } else return undefined;
  }
  return messages;
}

/** Reads one prompt entry (a string or `{ id|raw, label }`) into raw prompts (a text file may hold several). */
function readEntry(config: SourceFile, entry: unknown, index: number, issues: ImportIssues): RawPrompt[] {
  const key = `prompts[${index}]`;
  const line = config.lineOf(['prompts', index]);
  const where = { file: config.file, line };
  const object = entry && typeof entry === 'object' ? (entry as { id?: unknown; raw?: unknown; label?: unknown }) : undefined;
  const text = object ? (object.raw ?? object.id) : entry;
  const label = typeof object?.label === 'string' ? object.label : undefined;
  for (const name of Object.keys(object ?? {})) {
    if (['id', 'raw', 'label'].includes(name)) continue;
    issues.drop({
      file: config.file,
      line: config.lineOf(['prompts', index, name]) ?? line,
      key: `${key}.${name}`,
      reason: `the prompt option "${name}" has no evalspec equivalent (a prompt is its messages)`,
      fix: 'set model params on the model entry, or edit the prompt by hand',
    });
  }
  if (typeof text !== 'string') {
    issues.drop({
      ...where,
      key,
      reason: 'a prompt that is neither a string nor { id | raw, label }',
      fix: 'write the prompt as text in evalspec.yaml prompts:',
    });
    return [];
  }
  const ref = fileRef(text);
  if (ref === undefined) {
    // An inline JSON chat (promptfoo parses a prompt that is a JSON array of messages as a chat).
    if (text.trimStart().startsWith('[')) {
      try {
        const messages = chatMessages(JSON.parse(text), (k, reason, fix) => issues.drop({ ...where, key: `${key}.${k}`, reason, fix }));
        if (messages) return [{ messages, ...where, key, label }];
      } catch {
        // not JSON: a text prompt that starts with "["
      }
    }
    return [{ messages: [{ role: 'user', content: text }], ...where, key, label }];
  }
  if (isGlob(ref)) {
    issues.drop({
      ...where,
      key,
      reason: `a glob of prompt files (${ref})`,
      fix: 'list the files one by one in the promptfoo config and import again, or add them to evalspec.yaml prompts:',
    });
    return [];
  }
  const path = resolveRef(config, ref);
  const file = displayPath(path);
  if (!existsSync(path)) {
    issues.drop({ ...where, key, reason: `the prompt file ${ref} does not exist`, fix: 'restore the file and import again' });
    return [];
  }
  const ext = lowerExtension(path);
  if (['.js', '.mjs', '.cjs', '.ts', '.py'].includes(ext) || /:\w+$/.test(ref)) {
    issues.drop({
      ...where,
      key,
      reason: `a prompt function (${ref}): evalspec prompts are templates, not code`,
      fix: 'render the prompt in a function: model (docs/suite-format.md "function: models"), or write its text as a prompt',
    });
    return [];
  }
  if (ext === '.json' || ext === '.yaml' || ext === '.yml') {
    let parsed: SourceFile | undefined;
    try {
      parsed = readYamlFile(path);
    } catch {
      parsed = undefined;
    }
    const messages = parsed && chatMessages(parsed.data, (k, reason, fix) => issues.drop({ file, line: 1, key: `${ref}: ${k}`, reason, fix }));
    if (messages) return [{ messages, file, line: 1, key, label }];
    const raw = readTextFile(path, 'SUITE_YAML');
    const { unsupported } = convertTemplate(raw);
    issues.drop({
      file,
      line: 1,
      key,
      reason: unsupported.length ? `a chat prompt built with Nunjucks: ${unsupported[0]}` : 'not a list of chat messages with text content ({ role, content })',
      fix: 'write the messages out in evalspec.yaml prompts: (a conversation is a case with turns:, docs/agents.md)',
    });
    return [];
  }
  // A text file: one prompt, or several separated by a line of three dashes.
  const raw = readTextFile(path, 'SUITE_YAML');
  const parts: RawPrompt[] = [];
  let offset = 1;
  for (const part of raw.split(SEPARATOR)) {
    const lineCount = part.split('\n').length - 1;
    const content = part.replace(/^\n+/, '').replace(/\s+$/, '');
    const leading = part.length - part.replace(/^\n+/, '').length;
    if (content) parts.push({ messages: [{ role: 'user', content }], file, line: offset + leading, key: `${key} (${ref})`, label });
    offset += lineCount + 1;
  }
  return parts;
}

/** The config's prompts as evalspec prompts (ids p1, p2, … or the label); unconvertible ones listed and left out. */
export function importPrompts(config: SourceFile, issues: ImportIssues): Prompt[] {
  const data = (config.data as { prompts?: unknown }).prompts;
  if (data === undefined) {
    issues.drop({ file: config.file, line: 1, key: 'prompts', reason: 'the config has no prompts', fix: 'add prompts: to evalspec.yaml' });
    return [];
  }
  // prompts: a string, a list, or a map of file → label.
  const entries: unknown[] =
    typeof data === 'string'
      ? [data]
      : Array.isArray(data)
        ? data
        : data && typeof data === 'object'
          ? Object.entries(data).map(([id, label]) => ({ id, label }))
          : [];
  const prompts: Prompt[] = [];
  const used = new Set<string>();
  const raws = entries.flatMap((entry, index) => readEntry(config, entry, index, issues));
  for (const raw of raws) {
    const unsupported: string[] = [];
    const messages = raw.messages.map((m) => {
      const converted = convertTemplate(m.content);
      unsupported.push(...converted.unsupported);
      return { role: m.role, content: converted.text };
    });
    if (unsupported.length > 0) {
      for (const what of unsupported) {
        issues.drop({
          file: raw.file,
          line: raw.line,
          key: `${raw.key}: template`,
          reason: `this prompt is left out: ${what}`,
          fix: 'compute the value into a case var (e.g. a field of a JSON var: {{config.tone}}), or write the prompt out',
        });
      }
      continue;
    }
    const base = raw.label ? raw.label.replace(/[^\w.-]+/g, '-').replace(/^-|-$/g, '') || 'p' : `p${prompts.length + 1}`;
    let id = base;
    for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
    used.add(id);
    prompts.push({ id, ...(raw.label ? { description: raw.label } : {}), messages });
  }
  return prompts;
}
