// The suite's `tools:` (issue #16): the tools an agent may call, and how each answers during a run (fixed results
// matched by arguments, a default, or the user's own function). Also the case's `tool_results:` and `max_steps:`.
// Everything is checked when the suite loads: a parameters schema that does not compile, a duplicate name or a
// case answering an undeclared tool is a suite error naming the file, the line and the fix, before any call.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import type { ValidateFunction } from 'ajv';
import { EvalspecError } from '../errors.js';
import { compileJsonSchema, JSON_SCHEMA_FORMATS } from '../score/index.js';
import { suggest } from './suggest.js';

/** What every provider accepts as a function name (OpenAI's rule; Anthropic's is the same). */
export const TOOL_NAME_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;

/** The step limit when a suite sets none: enough for a few lookups and an answer, small enough to stop a loop. */
export const DEFAULT_MAX_STEPS = 10;

/** How long a `function:` tool may take per call when it sets no `timeout_ms`. */
export const DEFAULT_TOOL_TIMEOUT_MS = 10_000;

const argsSchema = z.record(z.string(), z.unknown());

const fixedResultSchema = z.strictObject({
  /** Matches a call whose arguments contain these (deep-equal values); no args: every call. */
  args: argsSchema.optional(),
  result: z.unknown(),
});

export const toolSchema = z.strictObject({
  name: z.string().regex(TOOL_NAME_PATTERN, 'a tool name is 1 to 64 letters, digits, _ or - (what every provider accepts)'),
  description: z.string().optional(),
  /** JSON Schema of the arguments (an object schema); none: the tool takes no arguments. */
  parameters: z.record(z.string(), z.unknown()).optional(),
  results: z.array(fixedResultSchema).optional(),
  /** The answer when no `results` entry (and no case's `tool_results`) matches. */
  result: z.unknown().optional(),
  /** module#export of the user's function `(args, ctx) => result`, relative to the suite file. */
  function: z.string().min(1).optional(),
  /** A JSONL log of conversations (the replay: format, with `messages`), relative to the suite file: a call is
   *  answered by the logged answer to the same call in the same case (docs/agents.md). */
  replay: z.string().min(1).optional(),
  timeout_ms: z.number().int().positive().optional(),
});
export type ToolSpec = z.infer<typeof toolSchema>;

export const toolsSchema = z.array(toolSchema).optional();
export const maxStepsSchema = z.number().int().min(1).max(1000).optional();
/** A case's answers, keyed by tool name: a list of {args?, result}, or one result for every call. */
export const toolResultsSchema = z.record(z.string(), z.unknown()).optional();

export const VALID_TOOL_KEYS = Object.keys(toolSchema.shape);

export interface FixedToolResult {
  args?: Record<string, unknown>;
  result: unknown;
}

/** A tool as a run uses it: parameters compiled, the function's module resolved. */
export interface SuiteTool {
  name: string;
  description?: string;
  /** The JSON Schema sent to the model ({type: object} when the suite gives none). */
  parameters: Record<string, unknown>;
  /** Checks a call's arguments against `parameters`. */
  validate: ValidateFunction;
  results: FixedToolResult[];
  /** Present when the suite gives a default `result:` (which may itself be null). */
  defaultResult?: { value: unknown };
  function?: { file: string; url: string; exportName: string };
  /** The logged conversations answering this tool's calls; `contentHash` goes into the suite hash. */
  replay?: { file: string; contentHash: string };
  timeoutMs: number;
  /** Line of the tool's entry in the suite file. */
  line?: number;
}

type LineOf = (path: (string | number)[]) => number | undefined;

/** The suite's tools, checked and resolved (paths absolute); [] when the suite declares none. */
export function resolveTools(specs: ToolSpec[] | undefined, where: { file: string; dir: string; lineOf: LineOf }): SuiteTool[] {
  const seen = new Map<string, number | undefined>();
  return (specs ?? []).map((spec, index) => {
    const line = where.lineOf(['tools', index]);
    if (seen.has(spec.name)) {
      const first = seen.get(spec.name);
      throw new EvalspecError('SUITE_SCHEMA', `two tools are named "${spec.name}"${first ? ` (the first on line ${first})` : ''}`, {
        file: where.file,
        line,
        hint: 'tool names must be unique: the model calls a tool by its name',
      });
    }
    seen.set(spec.name, line);
    const parameters = spec.parameters ?? { type: 'object', properties: {} };
    let validate: ValidateFunction;
    try {
      validate = compileJsonSchema(parameters);
    } catch (error) {
      throw new EvalspecError('SUITE_SCHEMA', `tool "${spec.name}": its parameters are not a valid JSON Schema: ${(error as Error).message}`, {
        file: where.file,
        line: where.lineOf(['tools', index, 'parameters']) ?? line,
        hint: `fix the schema (draft-07, or 2020-12 via $schema; e.g. { type: object, properties: { id: { type: string } }, required: [id] }); supported formats: ${JSON_SCHEMA_FORMATS.join(', ')}`,
        cause: error,
      });
    }
    if (parameters.type !== undefined && parameters.type !== 'object') {
      throw new EvalspecError(
        'SUITE_SCHEMA',
        `tool "${spec.name}": parameters must describe an object (type: object), not ${JSON.stringify(parameters.type)}`,
        {
          file: where.file,
          line: where.lineOf(['tools', index, 'parameters']) ?? line,
          hint: 'providers pass a tool its arguments as one JSON object: { type: object, properties: { … } }',
        },
      );
    }
    if (spec.results === undefined && !('result' in spec) && spec.function === undefined && spec.replay === undefined) {
      throw new EvalspecError('SUITE_SCHEMA', `tool "${spec.name}" has no way to answer: give it results:, result:, replay: or function:`, {
        file: where.file,
        line,
        hint: 'e.g. result: { status: ok } (the answer to every call), or function: ./tools.mjs#lookup; cases may also answer it with tool_results:',
      });
    }
    let fn: SuiteTool['function'];
    if (spec.function !== undefined) {
      const [path, exportName = 'default'] = spec.function.split('#');
      const file = resolve(where.dir, path);
      fn = { file, url: pathToFileURL(file).href, exportName };
    }
    return {
      name: spec.name,
      description: spec.description,
      parameters,
      validate,
      results: spec.results ?? [],
      ...('result' in spec ? { defaultResult: { value: spec.result } } : {}),
      function: fn,
      ...(spec.replay !== undefined
        ? { replay: replayLog(spec.replay, where.dir, { file: where.file, line: where.lineOf(['tools', index, 'replay']) ?? line }) }
        : {}),
      timeoutMs: spec.timeout_ms ?? DEFAULT_TOOL_TIMEOUT_MS,
      line,
    };
  });
}

/** A tool's replay log: it must exist when the suite loads; its content (not only its path) is part of the suite hash. */
function replayLog(path: string, dir: string, where: { file: string; line?: number }): NonNullable<SuiteTool['replay']> {
  const file = resolve(dir, path);
  if (!existsSync(file)) {
    throw new EvalspecError('REPLAY_FILE', `tool replay log not found: ${file}`, {
      ...where,
      hint: 'replay: is a JSONL log of conversations ({"id":"c1","messages":[…]} per line), relative to the suite file',
    });
  }
  return { file, contentHash: createHash('sha256').update(readFileSync(file)).digest('hex') };
}

/**
 * A case's `tool_results:` as lists of {args?, result}: a list whose every entry is such an object stays a list,
 * anything else is one result for every call. Names must be tools of the suite.
 */
export function normaliseToolResults(
  raw: Record<string, unknown> | undefined,
  tools: readonly { name: string }[] | undefined,
  where: { file: string; line?: number; caseId: string },
): Record<string, FixedToolResult[]> | undefined {
  if (raw === undefined) return undefined;
  const out: Record<string, FixedToolResult[]> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (tools && !tools.some((t) => t.name === name)) {
      const names = tools.map((t) => t.name);
      const guess = suggest(name, names);
      throw new EvalspecError(
        'CASES_SCHEMA',
        `tool_results names the tool "${name}", which the suite does not declare${guess ? ` (did you mean ${guess}?)` : ''}`,
        {
          ...where,
          hint: names.length ? `the suite's tools: ${names.join(', ')}` : 'declare the tool under tools: in the suite',
        },
      );
    }
    out[name] = isFixedResultList(value) ? value : [{ result: value }];
  }
  return out;
}

function isFixedResultList(value: unknown): value is FixedToolResult[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((e) => {
      if (e === null || typeof e !== 'object' || Array.isArray(e) || !('result' in e)) return false;
      const keys = Object.keys(e);
      const args = (e as { args?: unknown }).args;
      return keys.every((k) => k === 'args' || k === 'result') && (args === undefined || (typeof args === 'object' && args !== null && !Array.isArray(args)));
    })
  );
}
