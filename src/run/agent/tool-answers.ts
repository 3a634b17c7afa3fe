// How a tool call of an agent is answered (issue #16, docs/agents.md "Tools and the agent loop"): the arguments are
// checked against the tool's parameters, then the first of: the case's `tool_results` entry whose `args` the call's
// arguments contain, the tool's own `results` entry likewise, the logged answer to the same call in its `replay:` log,
// its `function:` (the user's code, in the trusted
// user-code pool with a timeout), its default `result`. None: a `no-result` tool error. Failures are the agent's
// (recorded in its transcript and sent to the model as the tool's error), never the run's.
import { EvalspecError } from '../../errors.js';
import { type FixedToolResult, type Suite, type SuiteTool } from '../../suite/index.js';
import { stableStringify } from '../../stable-json.js';
import { formatJsonSchemaErrors, jsonEqual, toolCallsOf, type ToolErrorClass } from '../../score/index.js';
import { describeModule, exportType, UserCodeError, userCodePool } from '../../user-code/index.js';
import { readReplayFile, recordFor, type ReplayRecord } from '../providers/replay.js';

export type ToolAnswer = { ok: true; value: unknown } | { ok: false; class: ToolErrorClass; message: string };

/** The work item a conversation belongs to: function tools see it as `ctx`, and their state lives per item. */
export interface ToolItem {
  caseId: string;
  repeat: number;
  vars: Record<string, unknown>;
  toolResults?: Record<string, FixedToolResult[]>;
}

/** Per function module: whether it exports `initialState(vars)`. */
export type ToolModules = ReadonlyMap<string, { initialState: boolean }>;

/**
 * Loads every `function:` tool's module once, before any call: a missing file or export is the suite's error
 * (exit 2, naming the tool's line), not a failure of each agent.
 */
export async function loadToolModules(suite: Suite): Promise<ToolModules> {
  const modules = new Map<string, { initialState: boolean }>();
  for (const tool of suite.tools) {
    // Replay logs read (and checked: a bad line is REPLAY_FILE naming it) before any call, like the modules.
    if (tool.replay) replayLogOf(tool.replay);
    if (!tool.function) continue;
    const { file, url, exportName } = tool.function;
    let info;
    try {
      info = await describeModule(url, suite.timeoutMs);
    } catch (error) {
      const message = error instanceof UserCodeError ? (error.thrownMessage ?? error.message) : (error as Error).message;
      throw new EvalspecError('MODULE_LOAD', `tool "${tool.name}": cannot load ${file}: ${message}`, {
        file: suite.file,
        line: tool.line,
        hint: 'function: is module#export, relative to the suite file; the module must be JavaScript (.mjs/.js) that Node can import',
        cause: error,
      });
    }
    if (exportType(info, exportName) !== 'function') {
      throw new EvalspecError('MODULE_LOAD', `tool "${tool.name}": ${file} has no function export "${exportName}"`, {
        file: suite.file,
        line: tool.line,
        hint: `export a function (args, ctx) => result; exports found: ${info.own.map(([k]) => k).join(', ') || 'none'}`,
      });
    }
    modules.set(url, { initialState: exportType(info, 'initialState') === 'function' });
  }
  return modules;
}

/** Replay logs by file and content (a log edited between two runs of one process is read again). */
const replayLogs = new Map<string, Map<string, ReplayRecord[]>>();

function replayLogOf(replay: NonNullable<SuiteTool['replay']>): Map<string, ReplayRecord[]> {
  const key = `${replay.file}#${replay.contentHash}`;
  let log = replayLogs.get(key);
  if (!log) {
    log = readReplayFile(replay.file);
    replayLogs.set(key, log);
  }
  return log;
}

/** A call's arguments contain `expected`: every key of it, with a deep-equal value (key order ignored). */
export function argsContain(args: unknown, expected: Record<string, unknown> | undefined): boolean {
  if (expected === undefined) return true;
  if (args === null || typeof args !== 'object' || Array.isArray(args)) return Object.keys(expected).length === 0;
  const actual = args as Record<string, unknown>;
  return Object.entries(expected).every(([k, v]) => k in actual && jsonEqual(actual[k], v));
}

/** Answers one item's tool calls; holds the state of its function tools (one object per module, from initialState). */
export class ToolAnswerer {
  private readonly states = new Map<string, Record<string, unknown>>();
  /** Per module, the call in flight: calls of one step run in parallel, but each must see the state the one before left. */
  private readonly queues = new Map<string, Promise<unknown>>();
  /** Logged calls already answered from (`file#index`): an identical second call takes the next logged answer. */
  private readonly usedLogged = new Set<string>();

  constructor(
    private readonly tools: ReadonlyMap<string, SuiteTool>,
    private readonly modules: ToolModules,
    private readonly item: ToolItem,
  ) {}

  /** Rejects only when `signal` aborts (the run is cancelled): every other failure is a ToolAnswer. */
  async answer(name: string, args: unknown, signal: AbortSignal): Promise<ToolAnswer> {
    const tool = this.tools.get(name);
    if (!tool) return { ok: false, class: 'unknown-tool', message: `no tool named "${name}" (the suite's tools: ${[...this.tools.keys()].join(', ')})` };
    if (!tool.validate(args)) {
      return {
        ok: false,
        class: 'invalid-args',
        message: `the arguments do not match the parameters of "${name}": ${formatJsonSchemaErrors(tool.validate.errors)}`,
      };
    }
    const fixed = this.item.toolResults?.[name]?.find((r) => argsContain(args, r.args)) ?? tool.results.find((r) => argsContain(args, r.args));
    if (fixed) return { ok: true, value: fixed.result };
    let replayMiss = '';
    if (tool.replay) {
      const logged = this.fromLog(tool.replay, name, args);
      if (logged.found) return { ok: true, value: logged.content };
      replayMiss = `; ${logged.message}`;
    }
    if (tool.function) {
      const url = tool.function.url;
      const answer = (this.queues.get(url) ?? Promise.resolve()).then(() => this.callFunction(tool, tool.function!, args, signal));
      this.queues.set(
        url,
        answer.catch(() => undefined),
      );
      return answer;
    }
    if (tool.defaultResult) return { ok: true, value: tool.defaultResult.value };
    return {
      ok: false,
      class: 'no-result',
      message: `no result for ${name}(${stableStringify(args)}): no results entry matches and the tool has no default result: or function:${replayMiss}`,
    };
  }

  /**
   * The answer logged for the first not-yet-used call of `name` with deep-equal arguments in this case's (and
   * repeat's) logged conversation; else why not, naming the closest logged call.
   */
  private fromLog(replay: NonNullable<SuiteTool['replay']>, name: string, args: unknown): { found: true; content: string } | { found: false; message: string } {
    const { caseId, repeat } = this.item;
    const transcript = recordFor(replayLogOf(replay).get(caseId), repeat)?.transcript;
    const where = `${replay.file} (case ${caseId}${repeat > 0 ? `, repeat ${repeat}` : ''})`;
    if (!transcript) return { found: false, message: `the replay log ${where} has no logged conversation` };
    const sameName = toolCallsOf(transcript)
      .map((record, index) => ({ record, key: `${replay.file}#${caseId}#${repeat}#${index}` }))
      .filter(({ record }) => record.call.name === name && !record.call.invalid && record.result);
    const hit = sameName.find(({ record, key }) => !this.usedLogged.has(key) && jsonEqual(record.call.args, args));
    if (hit) {
      this.usedLogged.add(hit.key);
      return { found: true, content: hit.record.result!.content };
    }
    // Closest: the unused logged call sharing the most argument values with this one; else one already used.
    const unused = sameName.filter(({ key }) => !this.usedLogged.has(key));
    const shared = (logged: unknown) => Object.keys(asState(args)).filter((k) => argsContain(logged, { [k]: asState(args)[k] })).length;
    const closest =
      unused.reduce<(typeof unused)[number] | undefined>(
        (best, c) => (!best || shared(c.record.call.args) > shared(best.record.call.args) ? c : best),
        undefined,
      ) ?? sameName[0];
    if (!closest) return { found: false, message: `no logged call of ${name} in ${where}` };
    const used = this.usedLogged.has(closest.key) && jsonEqual(closest.record.call.args, args);
    return {
      found: false,
      message: `no logged call matched in ${where}; the closest: ${name}(${stableStringify(closest.record.call.args)}) at step ${closest.record.step}${used ? ', already answered (the log has fewer such calls)' : ''}`,
    };
  }

  private async callFunction(tool: SuiteTool, fn: NonNullable<SuiteTool['function']>, args: unknown, signal: AbortSignal): Promise<ToolAnswer> {
    const pool = userCodePool('trusted');
    const { caseId, repeat, vars } = this.item;
    const run = (exportName: string, input: unknown, state: Record<string, unknown>) =>
      pool.request({ t: 'tool', url: fn.url, exportName, args: input, ctx: { caseId, repeat, vars, state } }, { timeoutMs: tool.timeoutMs, signal });
    try {
      let state = this.states.get(fn.url);
      if (state === undefined) {
        // The item's first call into this module: a fresh state, so each case (and repeat) starts from the same database.
        state = this.modules.get(fn.url)?.initialState ? asState(((await run('initialState', vars, {})) as { value: unknown }).value) : {};
      }
      const reply = (await run(fn.exportName, args, state)) as { value: unknown; state: unknown };
      this.states.set(fn.url, asState(reply.state));
      return { ok: true, value: reply.value === undefined ? null : reply.value };
    } catch (error) {
      if (!(error instanceof UserCodeError)) throw error;
      if (error.kind === 'aborted') throw signal.reason ?? error;
      if (error.kind === 'timeout')
        return { ok: false, class: 'tool-timeout', message: `${tool.name} did not return within ${tool.timeoutMs} ms (timeout_ms)` };
      if (error.kind === 'crashed') return { ok: false, class: 'tool-error', message: `${tool.name} crashed: ${error.message}` };
      return { ok: false, class: 'tool-error', message: `${tool.name} threw: ${error.thrownMessage ?? error.message}` };
    }
  }
}

function asState(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
