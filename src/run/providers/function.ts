// `function:` models and judges: the user's own module, run in a trusted user-code worker (user-code/) with a
// deadline per call. Never cached: the code may change between runs.
import type { ModelRef, Suite } from '../../suite/index.js';
import type { CallTarget, JudgeTarget } from '../call-target.js';
import type { ChainStep, RetrievedDocument, Transcript } from '../../score/index.js';
import { parseChainSteps } from '../chain-steps.js';
import { CallFailure } from '../errors.js';
import { loadUserFunction, type UserFunctionRole } from '../user-function.js';
import type { LocalProviderDefinition, LocalTargetContext } from './definition.js';

/**
 * The user's function loaded for a model or a judge, with what both targets say of it: one connection per
 * module file, the provider's concurrency and timeout, and never a cache identity (the code may change
 * between runs; never serve it from the cache).
 */
async function loadTarget(suite: Suite, ref: ModelRef, role: UserFunctionRole) {
  const fn = await loadUserFunction(suite, ref, role);
  const cfg = suite.providers[ref.providerId];
  return { fn, cfg, shared: { connectionKey: `function|${fn.file}`, concurrency: cfg.concurrency, timeoutMs: cfg.timeout_ms, cacheIdentity: null } };
}

// `function:` targets: the function gets `signal`, aborted when the call times out or the run is cancelled, its
// model's `config:` and the suite's network providers (no keys: src/chain.ts reads them in the worker).
async function functionTarget(suite: Suite, model: ModelRef, _warnings: string[], context: LocalTargetContext): Promise<CallTarget> {
  const { fn, cfg, shared } = await loadTarget(suite, model, {
    role: 'provider',
    entry: 'model',
    signature:
      '(input) => string | { output, context?: [{ id, text, score? }], metadata?, steps?: [{ name, model?, output, ... }], inputTokens?, outputTokens?, costUsd? }',
  });
  const providers = context.chainProviders;
  return {
    kind: 'function',
    measuresLatency: true,
    ...shared,
    async call(req) {
      const input = { vars: req.vars, messages: req.messages, caseId: req.caseId, repeat: req.repeat, model: model.ref, config: model.config ?? {}, providers };
      const out = await fn.call(input, req.signal, cfg.timeout_ms ?? suite.timeoutMs);
      if (typeof out === 'string') return { text: out };
      if (out && typeof out === 'object' && 'output' in out) {
        const o = out as {
          output: unknown;
          inputTokens?: number;
          outputTokens?: number;
          costUsd?: number;
          context?: unknown;
          metadata?: unknown;
          steps?: unknown;
        };
        const text = typeof o.output === 'string' ? o.output : JSON.stringify(o.output);
        const who = `${model.ref} (case "${req.caseId}")`;
        const chain = o.steps === undefined || o.steps === null ? undefined : parseChainSteps(o.steps, who);
        // A chain's step prices and totals are added by targets.ts (run/chain-targets.ts), where prices are known.
        return {
          text,
          inputTokens: o.inputTokens,
          outputTokens: o.outputTokens,
          costUsd: o.costUsd,
          transcript: functionTranscript(o, chain, who),
        };
      }
      throw new CallFailure('function-error', `${model.ref} returned ${out === undefined ? 'nothing' : typeof out}; return a string or { output }`);
    },
  };
}

/**
 * What a function returned besides its answer, as the transcript checks read and the store keeps: a RAG
 * target's retrieved documents in rank order, any metadata, a chain's steps (`steps`: its model calls). No
 * messages. Undefined when it returned none of them. A context that is not a list of `{ id, text }` is the
 * function's own error (function-error), named with the case, never silently dropped.
 */
function functionTranscript(out: { context?: unknown; metadata?: unknown }, chain: ChainStep[] | undefined, who: string): Transcript | undefined {
  const { context, metadata } = out;
  if (context === undefined && metadata === undefined && chain === undefined) return undefined;
  const transcript: Transcript = { messages: [], steps: 0, stop: 'final', maxSteps: null };
  if (context !== undefined && context !== null) transcript.context = retrievedDocuments(context, who);
  if (metadata !== undefined && metadata !== null) {
    if (typeof metadata !== 'object' || Array.isArray(metadata)) {
      throw new CallFailure(
        'function-error',
        `${who} returned \`metadata\` that is ${Array.isArray(metadata) ? 'an array' : typeof metadata}; return an object (or leave it out)`,
      );
    }
    transcript.metadata = metadata as Record<string, unknown>;
  }
  if (chain) {
    transcript.chain = chain;
    // Model steps are the chain's model calls, so a max-steps check bounds them.
    transcript.steps = chain.filter((s) => s.model !== null).length;
  }
  return transcript;
}

const SHAPE = 'return `context` as a list of { id: string | number, text: string, score?: number } in rank order';

function retrievedDocuments(context: unknown, who: string): RetrievedDocument[] {
  const bad = (what: string) => new CallFailure('function-error', `${who} returned a \`context\` ${what}; ${SHAPE}`);
  if (!Array.isArray(context)) throw bad(`that is ${typeof context}, not a list`);
  return context.map((doc: unknown, i) => {
    const at = `whose item ${i + 1}`;
    if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw bad(`${at} is not an object`);
    const { id, text, score } = doc as { id?: unknown; text?: unknown; score?: unknown };
    const idOk = (typeof id === 'string' && id !== '') || (typeof id === 'number' && Number.isFinite(id));
    if (!idOk) throw bad(`${at} has ${id === undefined ? 'no `id`' : `the id ${JSON.stringify(id) ?? String(id)}`} (a non-empty string or a number)`);
    if (typeof text !== 'string')
      throw bad(`${at} (id ${JSON.stringify(id)}) has ${text === undefined ? 'no `text`' : `a ${typeof text} \`text\``} (a string)`);
    if (score !== undefined && score !== null && (typeof score !== 'number' || !Number.isFinite(score))) {
      throw bad(`${at} (id ${JSON.stringify(id)}) has a \`score\` that is not a finite number`);
    }
    return typeof score === 'number' ? { id: String(id), text, score } : { id: String(id), text };
  });
}

// A `function:` judge runs in a trusted user-code worker like a `function:` model (above): a judge that
// never settles, ignores its signal or loops forever is stopped at the judge's timeout and the check is a
// judge-error on that result, instead of holding the run until the CLI's no-progress guard (exit 70).
async function functionJudge(suite: Suite, ref: ModelRef): Promise<JudgeTarget> {
  const { fn, shared } = await loadTarget(suite, ref, {
    role: 'judge',
    entry: 'judge',
    signature: '({ system, prompt, schema, caseId, signal }) => the answer object (or its JSON text), or { answer, inputTokens?, outputTokens?, costUsd? }',
  });
  return {
    name: ref.label,
    ref,
    ...shared,
    async call(request, signal, timeoutMs) {
      const input = {
        system: request.system,
        prompt: request.prompt,
        schema: request.schema,
        schemaName: request.schemaName,
        caseId: request.caseId,
        model: ref.ref,
      };
      const out = await fn.call(input, signal, timeoutMs);
      if (out && typeof out === 'object' && 'answer' in out) {
        const o = out as { answer: unknown; inputTokens?: number; outputTokens?: number; costUsd?: number };
        return { object: o.answer, inputTokens: o.inputTokens, outputTokens: o.outputTokens, costUsd: o.costUsd };
      }
      return { object: out };
    },
  };
}

export const functionProvider: LocalProviderDefinition = {
  kind: 'function',
  createTarget: functionTarget,
  createJudge: functionJudge,
};
