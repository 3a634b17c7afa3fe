// Shared helpers for the judge tests (not a test file itself).
import { JudgeAnswerError, JudgeCallError, judgeModelName, type JudgeClient, type JudgeRequest } from '../../src/score/index.js';
import type { FakeRequest } from '../fake-provider/server.js';

/** The text between <tag> and </tag> in a judge prompt (the first occurrence), or undefined. */
export function fenced(prompt: string, tag: string): string | undefined {
  const m = new RegExp(`<${tag}>\\n([\\s\\S]*?)\\n</${tag}>`).exec(prompt);
  return m?.[1];
}

/** The user prompt of a judge request as the fake provider received it. */
export function promptOf(req: Pick<FakeRequest, 'messages'>): string {
  return [...req.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
}

/** The structured-output schema name of a request (OpenAI response_format, or Anthropic's forced tool / output format). */
export function schemaNameOf(req: FakeRequest): string | undefined {
  const b = req.body ?? {};
  return b.response_format?.json_schema?.name ?? b.tools?.[0]?.function?.name ?? b.tools?.[0]?.name ?? b.output_config?.format?.name;
}

export interface StubCall {
  model: string;
  prompt: string;
  system: string;
  schemaName?: string;
}

/**
 * A JudgeClient for unit tests: `answer` returns the raw answer object for a request; a JudgeAnswerError from
 * parse is retried once, like the real client; costs 0.001 per call.
 */
export function stubJudge(answer: (req: JudgeRequest<unknown> & { modelName: string }) => unknown): JudgeClient & { calls: StubCall[] } {
  const calls: StubCall[] = [];
  return {
    calls,
    async ask<T>(req: JudgeRequest<T>) {
      const modelName = judgeModelName(req.model);
      let problem = '';
      for (let attempt = 1; attempt <= 2; attempt++) {
        calls.push({ model: modelName, prompt: req.prompt, system: req.system, schemaName: req.schemaName });
        const raw = answer({ ...(req as JudgeRequest<unknown>), modelName });
        try {
          return { object: req.parse(raw), model: modelName, costUsd: 0.001 * attempt, cached: false, latencyMs: 1, attempts: attempt };
        } catch (e) {
          if (!(e instanceof JudgeAnswerError)) throw e;
          problem = e.message;
        }
      }
      throw new JudgeCallError(`unusable answer twice (the last: ${problem})`, 'judge-error');
    },
  };
}
