// `replay:` models: outputs read from a JSONL log (one record per case, or per case and repeat), scored as if
// the model had answered. No call, no cache; a replay log cannot be a judge. A record may log a whole agent
// conversation (`messages` in OpenAI chat format, with `metadata` such as a benchmark's reward): it becomes the
// result's transcript, and its final assistant text the output.
import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { EvalspecError } from '../../errors.js';
import { jsonLines, readTextFile, type ModelRef, type Suite } from '../../suite/index.js';
import type { Transcript } from '../../score/index.js';
import type { CallTarget } from '../call-target.js';
import { CallFailure } from '../errors.js';
import { finalAnswerOf } from '../../score/index.js';
import { fromOpenAIMessages, OpenAIMessagesError } from '../openai-transcript.js';
import { countTokens, countMessageTokens, TOKENIZER_NAME } from '../tokens.js';
import type { LocalProviderDefinition } from './definition.js';

export interface ReplayRecord {
  /** null when the logged "output" is not text (null, a number, an object): served as a missing-output error. */
  text: string | null;
  /** 1-based line of the record in the replay file, for error messages. */
  line: number;
  /** What the logged output was when it is not text. */
  notText?: string;
  latencyMs?: number;
  inputTokens?: number;
  outputTokens?: number;
  costUsd?: number;
  /** A logged conversation (`messages`, with the record's `metadata`). */
  transcript?: Transcript;
}

function describeNotText(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** A case's record for a repeat: a log with one record per case serves every repeat; with repeats logged, each its own. */
export function recordFor(list: ReplayRecord[] | undefined, repeat: number): ReplayRecord | undefined {
  return list?.[list.length === 1 ? 0 : repeat];
}

export function readReplayFile(file: string): Map<string, ReplayRecord[]> {
  if (!existsSync(file)) {
    throw new EvalspecError('REPLAY_FILE', `replay file not found: ${file}`, { file, hint: 'the replay: path is relative to the suite file' });
  }
  const byCase = new Map<string, ReplayRecord[]>();
  const records = jsonLines(readTextFile(file, 'REPLAY_FILE'), file, { code: 'REPLAY_FILE', hint: 'one JSON object per line: {"id":"c1","output":"…"}' });
  for (const { value, line } of records) {
    const rec = value as Record<string, unknown>;
    const id = rec.id ?? rec.case_id;
    if (id === undefined || !('output' in rec || 'messages' in rec)) {
      throw new EvalspecError('REPLAY_FILE', 'a replay record needs "id" (or "case_id") and "output" or "messages"', {
        file,
        line,
        hint: '{"id":"c1","output":"…","latency_ms":812,"input_tokens":120,"output_tokens":80} or {"id":"c1","messages":[…],"metadata":{…}}',
      });
    }
    const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
    const transcript = 'messages' in rec ? conversationOf(rec, file, line) : undefined;
    // Only text is an output. A null (the model gave nothing, or the logger failed) or a number/object is
    // not scored as the text "null" or "42": the call is stored as a missing-output error naming this line.
    // A logged conversation's output is its final assistant text, unless the record also logs what was shown.
    const text = typeof rec.output === 'string' ? rec.output : transcript && !('output' in rec) ? finalAnswerOf(transcript) : null;
    const record: ReplayRecord = {
      text,
      line,
      transcript,
      notText: text === null ? describeNotText(rec.output) : undefined,
      latencyMs: num(rec.latency_ms),
      inputTokens: num(rec.input_tokens),
      outputTokens: num(rec.output_tokens),
      costUsd: num(rec.cost_usd),
    };
    const list = byCase.get(String(id)) ?? [];
    const repeat = num(rec.repeat);
    if (repeat !== undefined) list[repeat] = record;
    else list.push(record);
    byCase.set(String(id), list);
  }
  return byCase;
}

/** A record's `messages` (+ `metadata`) as a Transcript; a log that is not a conversation names its line. */
function conversationOf(rec: Record<string, unknown>, file: string, line: number): Transcript {
  const metadata = rec.metadata;
  if (metadata !== undefined && (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata))) {
    throw new EvalspecError('REPLAY_FILE', `"metadata" must be an object, not ${describeNotText(metadata)}`, {
      file,
      line,
      hint: '"metadata": {"reward": 1} (fields checks read as metadata.<name>)',
    });
  }
  try {
    const transcript = fromOpenAIMessages(rec.messages, `record "${String(rec.id ?? rec.case_id)}"`);
    return metadata ? { ...transcript, metadata: metadata as Record<string, unknown> } : transcript;
  } catch (error) {
    if (!(error instanceof OpenAIMessagesError)) throw error;
    throw new EvalspecError('REPLAY_FILE', error.message, { file, line, hint: error.hint });
  }
}

/** Whether any check of the suite (default or per case) is a latency check. */
function hasLatencyCheck(suite: Suite): boolean {
  return [suite.checks, ...suite.cases.map((c) => c.checks)].some((checks) => checks.some((c) => c.type === 'max-latency-ms'));
}

/**
 * Tokens of a logged conversation when the log has no counts: each model step re-reads everything before it
 * (input, counted like countMessageTokens per step) and writes its text and tool calls (output).
 */
function loggedTokens(transcript: Transcript): { input: number; output: number } {
  let input = 0;
  let output = 0;
  let context = 3; // the reply's framing, as countMessageTokens counts it
  for (const m of transcript.messages) {
    let tokens = countTokens(m.content);
    if (m.role === 'assistant') {
      for (const call of m.toolCalls ?? [])
        tokens += countTokens(call.name) + countTokens(typeof call.args === 'string' ? call.args : JSON.stringify(call.args));
      input += context;
      output += tokens;
    }
    context += 3 + tokens;
  }
  return { input, output };
}

function replayTarget(suite: Suite, model: ModelRef, warnings: string[]): CallTarget {
  const file = resolve(suite.dir, model.modelId);
  if (!existsSync(file)) {
    throw new EvalspecError('REPLAY_FILE', `replay file not found: ${file}`, {
      file: suite.file,
      line: model.line,
      hint: `model "${model.ref}": the replay: path is relative to the suite file`,
    });
  }
  const records = readReplayFile(file);
  // A replay has no latency of its own (our read time says nothing about the model): a logged latency_ms
  // is used; without one a max-latency-ms check is not applicable (left out of the result), said once here.
  const logged = [...records.values()].flat(); // flat() skips the holes of sparsely logged repeats
  const withoutLatency = logged.filter((rec) => rec.latencyMs === undefined).length;
  if (withoutLatency > 0 && hasLatencyCheck(suite)) {
    warnings.push(
      `${model.ref}: ${withoutLatency} of ${logged.length} replayed outputs have no latency_ms, so max-latency-ms is not applicable to them (left out of their pass and score); log latency_ms in the replay file to check latency`,
    );
  }
  const priced = Boolean(model.price || model.priceAs);
  let estimated = false;
  return {
    kind: 'replay',
    measuresLatency: false,
    connectionKey: `replay|${file}`,
    cacheIdentity: null,
    async call(req) {
      const list = records.get(req.caseId);
      const rec = recordFor(list, req.repeat);
      if (!rec) throw new CallFailure('missing-output', `${model.ref} has no logged output for case ${req.caseId}${list ? ` repeat ${req.repeat}` : ''}`);
      if (rec.text === null) {
        throw new CallFailure(
          'missing-output',
          `${model.ref} line ${rec.line} (case ${req.caseId}): "output" is ${rec.notText}, not text; log the model's answer as a string ("" for an empty answer)`,
        );
      }
      const text = rec.text;
      let { inputTokens, outputTokens } = rec;
      // A priced log without token counts: count them, so cost at list price can be shown (and say so).
      if (priced && (inputTokens === undefined || outputTokens === undefined)) {
        const logged = rec.transcript ? loggedTokens(rec.transcript) : undefined;
        inputTokens ??= logged ? logged.input : countMessageTokens(req.messages);
        outputTokens ??= logged ? logged.output : countTokens(text);
        if (!estimated) {
          estimated = true;
          const note = `replayed logs without token counts were priced on tokens counted with the ${TOKENIZER_NAME} tokenizer (exact for GPT-3.5/4, an estimate for other models)`;
          if (!warnings.includes(note)) warnings.push(note);
        }
      }
      return { text, inputTokens, outputTokens, costUsd: rec.costUsd, latencyMs: rec.latencyMs, ...(rec.transcript ? { transcript: rec.transcript } : {}) };
    },
  };
}

export const replay: LocalProviderDefinition = {
  kind: 'replay',
  createTarget: replayTarget,
};
