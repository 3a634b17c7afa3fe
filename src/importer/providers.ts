// promptfoo `providers:` → evalspec models. The ids that name the same API map (openai:gpt-4o and
// openai:chat:gpt-4o → openai:gpt-4o, anthropic:messages:X → anthropic:X, google:X); promptfoo's `echo`
// becomes a two-line function: model written next to the suite; everything else is listed.
import type { GenerationParams } from '../suite/index.js';
import type { SourceFile } from './config.js';
import type { ImportIssues } from './issues.js';

export interface ImportedModel {
  id: string;
  label?: string;
  params?: GenerationParams;
}

export interface ImportedProviders {
  models: ImportedModel[];
  /** Files to write next to the suite (the echo model). */
  files: Record<string, string>;
}

/** The file `echo` maps to: promptfoo's echo provider answers with the prompt it was sent. */
export const ECHO_FILE = 'promptfoo-echo.mjs';
const ECHO_SOURCE = `// promptfoo's "echo" provider, imported: answers with the rendered prompt (its messages' text, one per line).
export default function echo({ messages }) {
  return messages.map((m) => m.content).join('\\n');
}
`;

const PARAM_KEYS: Record<string, keyof GenerationParams> = {
  temperature: 'temperature',
  max_tokens: 'max_tokens',
  maxTokens: 'max_tokens',
  max_output_tokens: 'max_tokens',
  top_p: 'top_p',
  topP: 'top_p',
  seed: 'seed',
  stop: 'stop',
};

/** The evalspec model id of a promptfoo provider id, or undefined when there is none. */
export function mapProviderId(id: string): string | undefined {
  if (id === 'echo') return `function:${ECHO_FILE}`;
  let m = /^openai:(?:chat:)?([^:]+)$/.exec(id);
  if (m && !['embedding', 'embeddings', 'completion', 'assistant', 'responses', 'image', 'realtime'].includes(m[1])) return `openai:${m[1]}`;
  m = /^anthropic:messages:(.+)$/.exec(id);
  if (m) return `anthropic:${m[1]}`;
  m = /^(?:google|vertex):([^:]+)$/.exec(id);
  if (m && m[1].startsWith('gemini') && id.startsWith('google:')) return `google:${m[1]}`;
  return undefined;
}

function entriesOf(data: unknown): { entry: unknown; index: number | string }[] {
  if (typeof data === 'string') return [{ entry: data, index: 0 }];
  if (Array.isArray(data)) return data.map((entry, index) => ({ entry, index }));
  if (data && typeof data === 'object') return Object.entries(data).map(([id, value]) => ({ entry: { id, ...(value as object) }, index: id }));
  return [];
}

export function importProviders(config: SourceFile, issues: ImportIssues): ImportedProviders {
  const data = (config.data as { providers?: unknown; targets?: unknown }).providers ?? (config.data as { targets?: unknown }).targets;
  const models: ImportedModel[] = [];
  const files: Record<string, string> = {};
  if (data === undefined) {
    issues.drop({
      file: config.file,
      line: 1,
      key: 'providers',
      reason: 'the config names no provider',
      fix: 'add models: to evalspec.yaml (e.g. openai:gpt-4o-mini)',
    });
    return { models, files };
  }
  for (const { entry, index } of entriesOf(data)) {
    const line = config.lineOf(['providers', index]);
    const key = `providers[${index}]`;
    const object = entry && typeof entry === 'object' ? (entry as Record<string, unknown>) : undefined;
    const id = object ? (object.id ?? object.model) : entry;
    if (typeof id !== 'string') {
      issues.drop({ file: config.file, line, key, reason: 'a provider written as code or without an id', fix: 'add the model to evalspec.yaml models:' });
      continue;
    }
    const mapped = mapProviderId(id);
    if (mapped === undefined) {
      issues.drop({
        file: config.file,
        line,
        key: `${key}: ${id}`,
        reason: `the provider "${id}" has no evalspec equivalent (evalspec calls openai, anthropic, google and OpenAI-compatible APIs, or your code)`,
        fix: 'call it from a function: model (docs/suite-format.md "function: models"), or use an openai-compatible provider with its baseURL',
      });
      continue;
    }
    if (id === 'echo') {
      files[ECHO_FILE] = ECHO_SOURCE;
      issues.note({
        file: config.file,
        line,
        key: `${key}: echo`,
        reason: `echo became function:${ECHO_FILE}, which answers with the rendered prompt`,
        fix: 'replace it with your application when you have one',
      });
    }
    const model: ImportedModel = { id: mapped };
    if (typeof object?.label === 'string') model.label = object.label;
    const settings = object?.config;
    if (settings && typeof settings === 'object') {
      const params: Record<string, unknown> = {};
      for (const [name, value] of Object.entries(settings)) {
        const param = PARAM_KEYS[name];
        if (param) params[param] = value;
        else {
          issues.drop({
            file: config.file,
            line: config.lineOf(['providers', index, 'config', name]) ?? line,
            key: `${key}.config.${name}`,
            reason: `a provider setting evalspec does not send (its model params are ${[...new Set(Object.values(PARAM_KEYS))].join(', ')})`,
            fix: 'drop it, or call the model from a function: model that sets it',
          });
        }
      }
      if (Object.keys(params).length > 0) model.params = params as GenerationParams;
    }
    for (const name of Object.keys(object ?? {})) {
      if (['id', 'model', 'label', 'config'].includes(name)) continue;
      issues.drop({
        file: config.file,
        line: config.lineOf(['providers', index, name]) ?? line,
        key: `${key}.${name}`,
        reason: 'a provider option evalspec does not have',
        fix: 'see docs/suite-format.md "models" for what a model entry holds',
      });
    }
    models.push(model);
  }
  // Two entries with one id need labels to be two variants.
  const seen = new Map<string, number>();
  for (const model of models) {
    const name = model.label ?? model.id;
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    if (n > 1) model.label = `${name}-${n}`;
  }
  return { models, files };
}
