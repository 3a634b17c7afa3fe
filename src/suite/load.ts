// loadSuite: read a suite YAML, validate everything (schema, cases, checks, model references) and return
// one typed Suite. Nothing is called and nothing is written here; any problem is an EvalspecError (exit 2).
import { existsSync, statSync } from 'node:fs';
import { resolve, dirname, basename, extname, join } from 'node:path';
import type { z } from 'zod';
import { EvalspecError } from '../errors.js';
import {
  suiteFileSchema,
  VALID_KEYS,
  type SuiteFile,
  type Prompt,
  type GenerationParams,
  type PriceOverride,
  type ProviderConfig,
  type BarSpec,
  type RateLimitSpec,
} from './schema.js';
import { PROVIDER_TYPES, PROVIDER_TYPE_FACTS, BUILT_IN_PROVIDER_TYPES, isProviderType, type ProviderType } from './provider-types.js';
import { parseYamlWithLines, throwSchemaIssue } from './source-map.js';
import { readTextFile } from './text-file.js';
import { suggest } from './suggest.js';
import type { Case } from './cases.js';
import { forgetCaseSource, setCaseSource } from './case-source.js';
import { readPartCases, resolveRedteam } from './suite-parts.js';
import type { SuitePart, SuiteRedteam } from './redteam-schema.js';
import { validateCheckSpec, type CheckSpec } from './check-specs.js';
import { redactSecrets } from './env.js';
import { validateBars } from './bars.js';
import type { MonitorSpec, ProductionSpec } from './monitor-schema.js';
import type { SpecBlock } from './spec-schema.js';
import { repeatCount } from '../stats/index.js';
import { validateMonitors } from './monitor-validation.js';
import { DEFAULT_MAX_STEPS, resolveTools, type SuiteTool } from './tools-schema.js';
import { selectModels, selectPrompts } from './selection.js';

export interface ModelRef {
  /** As written in the suite, e.g. "openai:gpt-4o-mini" or "replay:outputs/gpt-4.jsonl". */
  ref: string;
  providerId: string;
  providerType: ProviderType;
  /** The model name for network providers; the (suite-relative) path for function/replay. */
  modelId: string;
  label: string;
  params: GenerationParams;
  price?: PriceOverride;
  /** Priced as this provider:model (list price from the price database). */
  priceAs?: { providerType: string; modelId: string };
  /** Line of the model's entry in the suite file, for error messages. */
  line?: number;
  /** The model's declared rate limits (its own rate_limit, else its provider's). */
  rateLimit?: RateLimitSpec;
  /** `config:` of its provider and its entry (the entry's keys win): a `function:` model's `input.config`. */
  config?: Record<string, unknown>;
}

export interface Suite {
  file: string;
  dir: string;
  name: string;
  description?: string;
  /** Hash of everything that defines the suite (config + cases): a resumed run must match it. */
  hash: string;
  providers: Record<string, ProviderConfig & { type: ProviderType }>;
  models: ModelRef[];
  /** When the suite has no prompts (replay/function only), one implicit prompt with no messages. */
  prompts: Prompt[];
  promptsImplicit: boolean;
  /**
   * Every prompt id of the suite file, before a --prompt selection: variant ids are "label/promptId" when the file
   * has more than one, whichever are selected (plan/variantsOf). Absent: the ids of `prompts`.
   */
  declaredPromptIds?: string[];
  cases: Case[];
  /** Default checks, added to every case's own. */
  checks: CheckSpec[];
  repeat: number;
  concurrency: number;
  timeoutMs: number;
  /** `stream:` (default false): network models' calls streamed, their time to first token stored (docs/suite-format.md). */
  stream: boolean;
  retries: { max: number; baseMs: number; maxMs: number; maxWaitMs: number };
  params: GenerationParams;
  bars: BarSpec[];
  baseline?: string;
  /** The suite config as stored with a run: placeholders kept, secrets redacted, cases summarised. */
  storedConfig: Record<string, unknown>;
  warnings: string[];
  /** How production traffic is tagged and redacted at ingest (defaults when the suite has no `production:`). */
  production: ProductionSpec;
  /** Online monitors of production traffic, in file order (empty when the suite has none). */
  monitors: MonitorSpec[];
  /** The tools network models may call (empty: no model runs as an agent); docs/agents.md. */
  tools: SuiteTool[];
  /** Model steps an agent may take per case and repeat (`max_steps`, default 10). */
  maxSteps: number;
  /** The `spec:` block (`evalspec spec`); absent when the suite has none. */
  spec?: SpecBlock;
  /** Which cases were loaded (`--suite-part`; issue #18). */
  part: SuitePart;
  /** The `redteam:` block (issue #18): how red-team cases are generated and where they are. */
  redteam?: SuiteRedteam;
}

function validKeysAt(path: readonly PropertyKey[]): readonly string[] | undefined {
  const p = path.filter((x) => typeof x !== 'number');
  if (p.length === 0) return VALID_KEYS.suite;
  const [top, second, third] = p;
  if (top === 'providers') return third === 'rate_limit' ? VALID_KEYS.rateLimit : VALID_KEYS.provider;
  if (top === 'prompts') return second === 'messages' ? VALID_KEYS.message : VALID_KEYS.prompt;
  if (top === 'models')
    return third === undefined && second === undefined
      ? VALID_KEYS.model
      : second === 'price'
        ? VALID_KEYS.price
        : second === 'params'
          ? VALID_KEYS.params
          : second === 'rate_limit'
            ? VALID_KEYS.rateLimit
            : VALID_KEYS.model;
  if (top === 'params') return VALID_KEYS.params;
  if (top === 'retries') return VALID_KEYS.retries;
  if (top === 'repeat') return VALID_KEYS.repeat;
  if (top === 'bars') return VALID_KEYS.bar;
  if (top === 'tools' && second === undefined) return VALID_KEYS.tool;
  if (top === 'spec') return VALID_KEYS.spec;
  if (top === 'redteam' && second === undefined) return VALID_KEYS.redteam;
  if (top === 'simulated_user') return second === 'params' ? VALID_KEYS.params : second === 'price' ? VALID_KEYS.price : VALID_KEYS.simulatedUser;
  return undefined;
}

function resolveSuitePath(path: string): string {
  let file = resolve(path);
  if (existsSync(file) && statSync(file).isDirectory()) {
    const candidates = ['evalspec.yaml', 'evalspec.yml'].map((n) => join(file, n));
    const found = candidates.find((c) => existsSync(c));
    if (!found) {
      throw new EvalspecError('SUITE_NOT_FOUND', `no evalspec.yaml in directory ${path}`, {
        file: path,
        hint: 'pass the suite file itself, or run `evalspec init DIR` to create one',
      });
    }
    file = found;
  }
  if (!existsSync(file)) {
    throw new EvalspecError('SUITE_NOT_FOUND', `suite file not found: ${path}`, {
      file: path,
      hint: 'check the path, or run `evalspec init DIR` to scaffold an example suite',
    });
  }
  return file;
}

function parseModels(cfg: SuiteFile, providers: Suite['providers'], file: string, lineOf: (p: (string | number)[]) => number | undefined): ModelRef[] {
  const models = cfg.models.map((entry, index) => {
    const spec = typeof entry === 'string' ? { id: entry } : entry;
    const colon = spec.id.indexOf(':');
    const line = lineOf(['models', index]);
    if (colon <= 0 || colon === spec.id.length - 1) {
      throw new EvalspecError('PROVIDER_UNKNOWN', `model "${spec.id}" is not of the form provider:model`, {
        file,
        line,
        hint: 'write e.g. openai:gpt-4o-mini, anthropic:claude-3-5-haiku-latest, function:./app.mjs or replay:./outputs.jsonl',
      });
    }
    const providerId = spec.id.slice(0, colon);
    const modelId = spec.id.slice(colon + 1);
    const provider = providers[providerId];
    if (!provider) {
      const choices = [...new Set([...Object.keys(providers), ...BUILT_IN_PROVIDER_TYPES])];
      const guess = suggest(providerId, choices);
      throw new EvalspecError('PROVIDER_UNKNOWN', `unknown provider "${providerId}" in model "${spec.id}"${guess ? ` (did you mean ${guess}?)` : ''}`, {
        file,
        line,
        hint: `use one of: ${choices.join(', ')}; or declare it under providers: with a type (${PROVIDER_TYPES.join(', ')})`,
      });
    }
    const isFileBased = PROVIDER_TYPE_FACTS[provider.type].model === 'file';
    const naturalLabel = isFileBased ? basename(modelId.split('#')[0], extname(modelId.split('#')[0])) : modelId;
    return {
      ref: spec.id,
      providerId,
      providerType: provider.type,
      modelId,
      label: spec.label ?? naturalLabel,
      explicitLabel: spec.label !== undefined,
      params: { ...cfg.params, ...spec.params },
      price: spec.price,
      line,
      rateLimit: ('rate_limit' in spec ? spec.rate_limit : undefined) ?? provider.rate_limit,
      ...modelConfig(provider.config, 'config' in spec ? spec.config : undefined),
      priceAs:
        'price_as' in spec && spec.price_as
          ? { providerType: spec.price_as.split(':')[0], modelId: spec.price_as.slice(spec.price_as.indexOf(':') + 1) }
          : undefined,
    };
  });
  // Two models with the same natural label (e.g. openai:gpt-4o and azure:gpt-4o) fall back to the full ref.
  const counts = new Map<string, number>();
  for (const m of models) counts.set(m.label, (counts.get(m.label) ?? 0) + 1);
  for (const m of models) if (!m.explicitLabel && (counts.get(m.label) ?? 0) > 1) m.label = m.ref;
  const seen = new Set<string>();
  for (const [index, m] of models.entries()) {
    if (seen.has(m.label)) {
      throw new EvalspecError('SUITE_SCHEMA', `two models share the label "${m.label}"`, {
        file,
        line: lineOf(['models', index]),
        hint: 'give each model a distinct label: - { id: openai:gpt-4o, label: gpt-4o-t0 }',
      });
    }
    seen.add(m.label);
  }
  return models.map(({ explicitLabel: _explicit, ...m }) => m);
}

/** A model's `config:` over its provider's (absent when neither has one, so other models' refs are unchanged). */
function modelConfig(ofProvider: Record<string, unknown> | undefined, ofModel: Record<string, unknown> | undefined): { config?: Record<string, unknown> } {
  return ofProvider || ofModel ? { config: { ...ofProvider, ...ofModel } } : {};
}

function resolveProviders(cfg: SuiteFile, file: string, lineOf: (p: (string | number)[]) => number | undefined): Suite['providers'] {
  const out: Suite['providers'] = {};
  for (const [id, p] of Object.entries(cfg.providers)) {
    const type: ProviderType | undefined = p.type ?? (isProviderType(id) ? id : undefined);
    if (!type) {
      throw new EvalspecError('PROVIDER_CONFIG', `provider "${id}" needs a type`, {
        file,
        line: lineOf(['providers', id]),
        hint: `add type: one of ${PROVIDER_TYPES.join(', ')} (e.g. type: openai-compatible with a baseURL for Ollama or vLLM)`,
      });
    }
    const needsBaseURL = PROVIDER_TYPE_FACTS[type].needsBaseURL;
    if (needsBaseURL && !p.baseURL) {
      throw new EvalspecError('PROVIDER_CONFIG', `provider "${id}" (${type}) needs a baseURL`, {
        file,
        line: lineOf(['providers', id]),
        hint: `e.g. ${needsBaseURL.example}`,
      });
    }
    out[id] = { ...p, type };
  }
  // Built-in providers need no declaration.
  for (const t of BUILT_IN_PROVIDER_TYPES) if (!out[t]) out[t] = { type: t };
  return out;
}

export interface LoadSuiteOptions {
  /** Only these model labels or refs (CLI --model). */
  models?: string[];
  /** Only these prompt ids (CLI --prompt; issue #20). */
  prompts?: string[];
  /**
   * Check `models` and `prompts` and add the ad-hoc models, but keep every model and prompt of the suite: `run
   * --against` plans the selection and a stored run's variants (buildPlan's `variants`).
   */
  keepUnselected?: boolean;
  /** Which cases (CLI --suite-part; issue #18): the suite's `cases:` (default), the generated red-team cases, or both. */
  part?: SuitePart;
}

export function loadSuite(path: string, options: LoadSuiteOptions = {}): Suite {
  const file = resolveSuitePath(path);
  const dir = dirname(file);
  const text = readTextFile(file, 'SUITE_YAML');
  const { data, lineOf } = parseYamlWithLines(text, file);
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new EvalspecError('SUITE_SCHEMA', 'the suite file must be a YAML mapping (name:, models:, cases:, ...)', {
      file,
      line: 1,
      hint: 'run `evalspec init DIR` to see a complete, commented example',
    });
  }
  const parsed = suiteFileSchema.safeParse(data);
  if (!parsed.success) {
    // zod leaves unknown keys out when other fields fail; a misspelt key is often the cause of those, so add it.
    const issues = [...parsed.error.issues];
    const unknown = Object.keys(data).filter((k) => !VALID_KEYS.suite.includes(k));
    if (unknown.length && !issues.some((i) => i.code === 'unrecognized_keys' && i.path.length === 0)) {
      issues.push({
        code: 'unrecognized_keys',
        keys: unknown,
        path: [],
        message: `Unrecognized key${unknown.length > 1 ? 's' : ''}`,
        input: data,
      } as z.core.$ZodIssue);
    }
    throwSchemaIssue({ issues }, { code: 'SUITE_SCHEMA', file, lineOf, validKeysAt });
  }
  const cfg = parsed.data;

  const providers = resolveProviders(cfg, file, lineOf);
  let models = parseModels(cfg, providers, file, lineOf);
  const allModels = models;
  if (options.models?.length) {
    const parseAdHoc = (entries: { id: string; label: string }[]) => parseModels({ ...cfg, models: entries }, providers, file, () => undefined);
    const picked = selectModels(models, options.models, { providerIds: Object.keys(providers), file, parseAdHoc });
    models = options.keepUnselected ? [...models, ...picked.filter((m) => !models.includes(m))] : picked;
  }

  const checks = cfg.checks.map((spec, i) => validateCheckSpec(spec, { file, line: lineOf(['checks', i]) }));
  const tools = resolveTools(cfg.tools, { file, dir, lineOf });
  const caseDefaults = { simulatedUser: cfg.simulated_user, providers, simulatedUserLine: lineOf(['simulated_user']), vars: cfg.vars };
  const redteam = resolveRedteam(cfg.redteam, { dir, lineOf });
  // Cases are folded into facts as they are read, not held (case-source.ts): a suite may have a million of them.
  const { source, facts } = readPartCases(options.part ?? 'cases', { file, dir, lineOf, cases: cfg.cases, redteam, tools, defaults: caseDefaults });
  const warnings: string[] = [];
  if (facts.count === 0) warnings.push('the suite has no cases');
  if (checks.length === 0 && facts.withoutChecks) {
    warnings.push('some cases have no checks: they pass whatever the output');
  }

  if (tools.length > 0 && !models.some((m) => PROVIDER_TYPE_FACTS[m.providerType].model !== 'file')) {
    warnings.push('the suite declares tools:, but no model is a network model: function: and replay: models do not call them');
  }
  if (facts.conversations && !models.some((m) => PROVIDER_TYPE_FACTS[m.providerType].model !== 'file')) {
    warnings.push('some cases are conversations (turns: or simulated_user:), but no model is a network model: function: and replay: models are called once');
  }
  const promptsImplicit = !cfg.prompts;
  const declaredPrompts = cfg.prompts ?? [{ id: 'default', messages: [] as Prompt['messages'] }];
  const selectedPrompts = options.prompts?.length ? selectPrompts(declaredPrompts as Prompt[], options.prompts, file) : declaredPrompts;
  const prompts = options.keepUnselected ? declaredPrompts : selectedPrompts;
  // A turn's checks are metrics too (turn2:contains): bars may name them (CaseFacts keeps them among the checks).
  const barCases = [{ checks: [...facts.barChecks.values()], tags: [...facts.tags] }];
  validateBars(cfg.bars, {
    file,
    lineOf,
    models: allModels,
    prompts: declaredPrompts as Prompt[],
    promptsImplicit,
    cases: barCases,
    checks,
    baseline: cfg.baseline,
  });
  // After the checks: a monitor's `checks:` names the suite's check metrics (monitor-validation.ts).
  const monitors: MonitorSpec[] = validateMonitors(cfg.monitors, { file, lineOf, suiteChecks: checks, warnings });
  // Monitors and the production settings stay out of the hash: editing them never blocks --resume of an offline run;
  // nor does `stream:`, which changes how answers arrive, not what they are, nor `redteam:`, which says how cases are
  // generated (the generated cases themselves are in the hash when a run takes them), nor `spec:`, which only documents
  // the suite.
  const { cases: _cases, monitors: _monitors, production: _production, stream: _stream, redteam: _redteam, spec: _spec, ...configWithoutCases } = cfg;
  const storedConfig = redactSecrets({
    ...configWithoutCases,
    cases: typeof cfg.cases === 'string' ? cfg.cases : `${cfg.cases.length} inline cases`,
  }) as Record<string, unknown>;
  // A tool's replay log answers calls, so its content is part of the suite (added only when present: other hashes stay).
  const toolReplays = tools.flatMap((t) => (t.replay ? [[t.name, t.replay.contentHash]] : []));
  // hashJson({ config, cases: [id, contentHash, tags, cluster] per case, toolReplays? }), the cases folded in as read.
  const hash = facts.suiteHash(configWithoutCases, toolReplays);

  let cases: Case[] | undefined;
  const suite: Suite = {
    file,
    dir,
    name: cfg.name,
    description: cfg.description,
    hash: hash.slice(0, 16),
    providers,
    models,
    prompts: prompts as Prompt[],
    promptsImplicit,
    declaredPromptIds: declaredPrompts.map((p) => p.id),
    // Every case in memory, read on first use: the plan and the run read them from `source` instead (caseSourceOf).
    get cases(): Case[] {
      return (cases ??= [...source]);
    },
    set cases(value: Case[]) {
      cases = value;
      forgetCaseSource(suite);
    },
    checks,
    repeat: repeatCount(cfg.repeat),
    concurrency: cfg.concurrency,
    timeoutMs: cfg.timeout_ms,
    stream: cfg.stream ?? false,
    retries: { max: cfg.retries.max, baseMs: cfg.retries.base_ms, maxMs: cfg.retries.max_ms, maxWaitMs: (cfg.retries.max_wait_s ?? 600) * 1000 },
    params: cfg.params ?? {},
    bars: cfg.bars,
    baseline: cfg.baseline,
    storedConfig,
    warnings,
    production: cfg.production ?? { attributes: {}, redact: { attributes: [], patterns: [] } },
    monitors,
    tools,
    maxSteps: cfg.max_steps ?? DEFAULT_MAX_STEPS,
    spec: cfg.spec,
    part: options.part ?? 'cases',
    ...(redteam ? { redteam } : {}),
  };
  setCaseSource(suite, source);
  return suite;
}
