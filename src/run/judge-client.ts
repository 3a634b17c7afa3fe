// The judge capability the run stage gives the score stage (score/judge-types.ts JudgeClient): judge models
// resolved like suite models (providers:, ${ENV} keys), asked through the AI SDK's structured output (JSON
// schema) with maxRetries: 0, retried by run/'s one policy (errors.ts), cached in the store like any call,
// priced like any call. An answer the check cannot use (not JSON, wrong shape, contradicting itself) is asked
// once more; a second bad answer is a judge-error. A `function:` judge is the user's own code.
import { createHash } from 'node:crypto';
import { EvalspecError, EXIT } from '../errors.js';
import type { Plan } from '../plan/index.js';
import {
  answerFormatText,
  judgeModelName,
  JudgeAnswerError,
  JudgeCallError,
  type JudgeAnswer,
  type JudgeClient,
  type JudgeModelSpec,
  type JudgeRequest,
  judgeModelsOf,
  isJudgeCheckType,
} from '../score/index.js';
import { BUILT_IN_PROVIDER_TYPES, type ModelRef, type Suite } from '../suite/index.js';
import { stableStringify } from '../stable-json.js';
import type { Store } from '../store/index.js';
import { callWithRetries, ProviderSlots } from './call-with-retries.js';
import type { ErrorClass, RetryPolicy } from './errors.js';
import { createPricer, type Pricer } from '../pricing/index.js';
import type { JudgeBudget } from './judge-budget.js';
import { SecretScrubber } from './secrets.js';
import type { JudgeTarget, RawAnswer } from './call-target.js';
import { connectNetworkModel, isV3 } from './network-target.js';
import { judgeAnswerJson } from './judge-answer-text.js';
import type { NetworkProviderDefinition } from './providers/definition.js';
import { canJudge, isNetworkProvider, providerDefinition } from './providers/registry.js';
import { RateLimits } from './rate-limit/registry.js';
import { countTokens } from './tokens.js';

export interface JudgeClientOptions {
  /** For the response cache (omit: no cache). */
  store?: Store;
  /** Serve identical earlier judge calls from the cache (default true). */
  cache?: boolean;
  scrubber?: SecretScrubber;
  warnings?: string[];
  /** Default: the suite's retries. */
  retries?: RetryPolicy;
  /** Per-call timeout (default: the provider's timeout_ms, else the suite's). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Called once when a judge provider refuses its API key (the run stops; exit 4). */
  onFatal?: (error: EvalspecError) => void;
  pricer?: Pricer;
  /** --max-cost: each judge call reserves before it starts and is not made when it does not fit (budget.ts). */
  budget?: JudgeBudget;
  /** The run's rate controllers: a judge on the same key and model as a suite model shares its budget. */
  rateLimits?: RateLimits;
}

/** A judge the run can ask, plus what the run needs to know about its judges. */
export interface RunJudgeClient extends JudgeClient {
  /** Judge names (as stored with results). */
  readonly models: string[];
}

/** The key that identifies a judge model spec (its id, or its whole entry when it has params / a price). */
export function judgeModelKey(model: JudgeModelSpec): string {
  return typeof model === 'string' ? model : stableStringify(model);
}

/** Every distinct judge model named by a check of the plan. */
export function judgeModelsInPlan(plan: Plan): JudgeModelSpec[] {
  const out = new Map<string, JudgeModelSpec>();
  if (![...plan.checkTypes].some(isJudgeCheckType)) return []; // no judge check: no pass over the cases
  for (const planned of plan.cases) {
    // A scripted conversation's turns have checks of their own (judges among them).
    const turnChecks = planned.case.turns ? (planned.conversation?.turns ?? []).flatMap((t) => t.checks) : [];
    for (const spec of [...planned.checks, ...turnChecks])
      for (const model of judgeModelsOf(spec)) out.set(judgeModelKey(model as JudgeModelSpec), model as JudgeModelSpec);
  }
  return [...out.values()];
}

/** A judge model spec resolved like a suite model: its provider from `providers:` (or a built-in one). */
export function judgeModelRef(suite: Suite, model: JudgeModelSpec): ModelRef {
  const entry = typeof model === 'string' ? { id: model } : model;
  const colon = entry.id.indexOf(':');
  const providerId = entry.id.slice(0, colon);
  const modelId = entry.id.slice(colon + 1);
  const provider = suite.providers[providerId];
  if (!provider) {
    const choices = [
      ...new Set([...Object.keys(suite.providers).filter((p) => canJudge(suite.providers[p].type)), ...BUILT_IN_PROVIDER_TYPES.filter(canJudge)]),
    ];
    throw new EvalspecError('PROVIDER_UNKNOWN', `unknown provider "${providerId}" in judge model "${entry.id}"`, {
      file: suite.file,
      hint: `use one of: ${choices.join(', ')}; or declare it under providers: with a type`,
    });
  }
  if (!canJudge(provider.type)) {
    throw new EvalspecError('PROVIDER_CONFIG', `judge model "${entry.id}": a ${provider.type} log cannot be a judge`, {
      file: suite.file,
      hint: 'name a network model (openai:gpt-4o-mini, an openai-compatible server, …) or a function: judge',
    });
  }
  // A judge that is also one of the suite's models inherits its price settings.
  const same = suite.models.find((m) => m.ref === entry.id);
  const priceAs =
    'price_as' in entry && entry.price_as
      ? { providerType: entry.price_as.split(':')[0], modelId: entry.price_as.slice(entry.price_as.indexOf(':') + 1) }
      : same?.priceAs;
  return {
    ref: entry.id,
    providerId,
    providerType: provider.type,
    modelId,
    label: judgeModelName(model),
    // Judges grade; they should not improvise: temperature 0 unless the entry says otherwise.
    params: { temperature: 0, ...('params' in entry ? entry.params : undefined) },
    price: ('price' in entry ? entry.price : undefined) ?? same?.price,
    priceAs,
  };
}

// The judge client asks once more itself after an unusable answer (ask below), so a malformed one is not retried.
const ASKED_AGAIN_BY_CLIENT: ReadonlySet<ErrorClass> = new Set(['malformed-response']);

function networkJudge(
  suite: Suite,
  ref: ModelRef,
  definition: NetworkProviderDefinition,
  scrubber: SecretScrubber,
  warnings: string[],
  rateLimits: RateLimits,
): JudgeTarget {
  const cfg = suite.providers[ref.providerId];
  const { languageModel: lm, connectionKey, cacheIdentity, rateController } = connectNetworkModel(suite, ref, definition, scrubber, warnings, rateLimits);
  // A provider that cannot be asked to enforce a schema (an openai-compatible server is sent
  // `response_format: json_object` only): the prompt names the answer's keys and gives the schema.
  const schemaInPrompt = definition.judgeSchemaInPrompt === true;
  let answerModel: Parameters<typeof import('ai').generateText>[0]['model'] | undefined;
  return {
    name: ref.label,
    ref,
    connectionKey,
    concurrency: cfg.concurrency,
    timeoutMs: cfg.timeout_ms,
    rateController,
    cacheIdentity: { ...cacheIdentity, params: ref.params },
    async call(request, signal) {
      // Loaded on the first judge call: `ai` (and the OpenTelemetry API it imports, 50 modules) costs start-up
      // time and memory in every run, and only judged suites need it.
      const { generateText, jsonSchema, Output, wrapLanguageModel, extractJsonMiddleware } = await import('ai');
      // The answer's JSON without a code fence or prose around it (judge-answer-text.ts), as small local models write it.
      answerModel ??= isV3(lm) ? wrapLanguageModel({ model: lm, middleware: extractJsonMiddleware({ transform: judgeAnswerJson }) }) : lm;
      const result = await generateText({
        model: answerModel,
        system: request.system,
        prompt: schemaInPrompt ? `${request.prompt}\n\n${answerFormatText(request.schema)}` : request.prompt,
        output: Output.object({ schema: jsonSchema(request.schema as Parameters<typeof jsonSchema>[0]), name: request.schemaName }),
        temperature: ref.params.temperature,
        maxOutputTokens: ref.params.max_tokens,
        topP: ref.params.top_p,
        seed: ref.params.seed,
        stopSequences: ref.params.stop,
        maxRetries: 0, // retries live in run/ only
        abortSignal: signal,
      });
      return { object: result.output, inputTokens: result.usage.inputTokens, outputTokens: result.usage.outputTokens };
    },
  };
}

/**
 * Builds the judge client for these judge models (every target up front, so a missing key or module fails
 * before the first call). Judge models are resolved against the suite's providers.
 */
export async function createJudgeClient(suite: Suite, models: JudgeModelSpec[], options: JudgeClientOptions = {}): Promise<RunJudgeClient> {
  const scrubber = options.scrubber ?? new SecretScrubber();
  const warnings = options.warnings ?? [];
  const pricer = options.pricer ?? createPricer();
  const policy = options.retries ?? suite.retries;
  const useCache = options.cache !== false && options.store !== undefined;
  const targets = new Map<string, JudgeTarget>();
  const slots = new ProviderSlots();
  const rateLimits = options.rateLimits ?? new RateLimits();
  const unpricedWarned = new Set<string>();
  let refused: EvalspecError | undefined;
  const refusal = new AbortController();

  async function build(model: JudgeModelSpec): Promise<JudgeTarget> {
    const key = judgeModelKey(model);
    let target = targets.get(key);
    if (!target) {
      const ref = judgeModelRef(suite, model);
      const definition = providerDefinition(ref.providerType);
      // judgeModelRef rejects a type that cannot judge, so a local definition here has createJudge.
      target = definition.kind === 'network' ? networkJudge(suite, ref, definition, scrubber, warnings, rateLimits) : await definition.createJudge!(suite, ref);
      targets.set(key, target);
    }
    return target;
  }
  for (const model of models) await build(model);

  function cost(target: JudgeTarget, raw: RawAnswer): number | null {
    if (raw.costUsd !== undefined) return raw.costUsd;
    // A local judge (the user's code) that reports no tokens costs nothing; with tokens it is priced like a model.
    if (!isNetworkProvider(target.ref.providerType))
      return raw.inputTokens === undefined ? 0 : (pricer.cost(target.ref, raw.inputTokens, raw.outputTokens) ?? null);
    const c = pricer.cost(target.ref, raw.inputTokens, raw.outputTokens);
    if (c === undefined && !unpricedWarned.has(target.name)) {
      unpricedWarned.add(target.name);
      const note = `no known price for judge ${target.name}: judge cost shown as unknown (give the judge a price: judge: { id: ${target.ref.ref}, price: {...} })`;
      if (!warnings.includes(note)) warnings.push(note);
    }
    return c ?? null;
  }

  /** One answer from the judge, with transport errors retried (call-with-retries.ts). A malformed answer is returned as such. */
  async function askOnce(
    target: JudgeTarget,
    request: JudgeRequest<unknown>,
  ): Promise<{ raw: RawAnswer; latencyMs: number } | { raw?: undefined; malformed: string }> {
    const wasRefused = () => new JudgeCallError(`judge ${target.name} was refused: ${refused!.message}`, 'auth');
    if (refused) throw wasRefused();
    const outcome = await callWithRetries(({ signal, timeoutMs }) => target.call(request, signal, timeoutMs), {
      policy,
      timeoutMs: options.timeoutMs ?? target.timeoutMs ?? suite.timeoutMs,
      slot: slots.get(target.connectionKey, target.concurrency),
      cancel: request.signal ?? options.signal,
      stop: refusal.signal, // another judge call's key was refused: no more attempts
      scrubber,
      noRetry: ASKED_AGAIN_BY_CLIENT,
      rate: target.rateController && {
        controller: target.rateController,
        promptTokens: () => countTokens(`${request.system ?? ''}\n${request.prompt}\n${JSON.stringify(request.schema)}`),
        maxOutputTokens: target.ref.params.max_tokens,
        usage: (raw) => ({ input: raw.inputTokens, output: raw.outputTokens }),
      },
    });
    if (outcome.ok) return { raw: outcome.value, latencyMs: outcome.latencyMs };
    const { error, attempts } = outcome;
    if (error.errorClass === 'malformed-response') return { malformed: error.message };
    if (error.errorClass === 'auth') {
      if (!refused) {
        refused = new EvalspecError('PROVIDER_AUTH', `judge provider "${target.ref.providerId}" refused the API key (${error.message})`, {
          file: suite.file,
          exitCode: EXIT.auth,
          hint: `check the key in the environment variable providers.${target.ref.providerId}.apiKey reads; finished results are stored: fix the key and resume the run`,
        });
        refusal.abort();
        options.onFatal?.(refused);
      }
      throw new JudgeCallError(`judge ${target.name}: auth ${error.message}`, 'auth');
    }
    // It would have been tried again, but another call's key was refused meanwhile.
    if (error.retryable && attempts <= policy.max && refusal.signal.aborted) throw wasRefused();
    throw new JudgeCallError(
      `judge ${target.name}: ${error.errorClass} after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${error.message}`,
      error.errorClass,
    );
  }

  return {
    models: [...targets.values()].map((t) => t.name),
    async ask<T>(request: JudgeRequest<T>): Promise<JudgeAnswer<T>> {
      const target = await build(request.model);
      const cacheKey =
        useCache && target.cacheIdentity
          ? createHash('sha256')
              .update(stableStringify({ v: 1, kind: 'judge', ...target.cacheIdentity, system: request.system, prompt: request.prompt, schema: request.schema }))
              .digest('hex')
          : undefined;
      if (cacheKey) {
        const hit = await options.store!.cache.get(cacheKey);
        if (hit) {
          try {
            const object = request.parse(JSON.parse(hit.text));
            return { object, model: target.name, costUsd: 0, cached: true, latencyMs: hit.latencyMs, attempts: 0 };
          } catch {
            // An entry this version cannot use: ask again (and overwrite it).
          }
        }
      }
      let paid: number | null = 0;
      let problem = '';
      for (let attempt = 1; attempt <= 2; attempt++) {
        const held = options.budget?.reserveJudge(target.ref, target.name, request);
        if (held === null) throw new JudgeCallError('not asked: the --max-cost budget is reached (the run stops; `evalspec run --resume` judges it)', 'budget');
        let answer: Awaited<ReturnType<typeof askOnce>>;
        try {
          answer = await askOnce(target, request as JudgeRequest<unknown>);
        } catch (error) {
          if (held) options.budget!.settleJudge(held, null);
          throw error;
        }
        if (held) options.budget!.settleJudge(held, answer.raw ? cost(target, answer.raw) : null, answer.raw?.outputTokens);
        if (answer.raw) {
          const { raw, latencyMs } = answer;
          const c = cost(target, raw);
          paid = paid === null || c === null ? null : paid + c;
          try {
            const object = request.parse(raw.object);
            if (cacheKey) {
              await options.store!.cache.putMany([
                {
                  key: cacheKey,
                  response: {
                    text: JSON.stringify(raw.object),
                    inputTokens: raw.inputTokens ?? null,
                    outputTokens: raw.outputTokens ?? null,
                    latencyMs,
                    costUsd: c,
                    finishReason: null,
                  },
                },
              ]);
            }
            return { object, model: target.name, costUsd: paid, cached: false, latencyMs, attempts: attempt };
          } catch (error) {
            if (!(error instanceof JudgeAnswerError)) throw error;
            problem = error.message;
          }
        } else {
          problem = `the answer is not valid JSON for the schema (${answer.malformed})`;
        }
      }
      throw new JudgeCallError(`unusable answer twice (the last: ${problem})`, 'judge-error');
    },
  };
}

/** The judge client for a plan, or undefined when no check of the plan names a judge. */
export async function createRunJudge(plan: Plan, options: JudgeClientOptions): Promise<RunJudgeClient | undefined> {
  const models = judgeModelsInPlan(plan);
  if (models.length === 0) return undefined;
  return createJudgeClient(plan.suite, models, options);
}
