// A trial's plan (issue #20): the run's suite file loaded as it is now, narrowed to the slice's cases and to two
// variants: the stored one (its model and prompt, answered from the stored run's results: RunOptions.reuseFrom) and the
// trial (the chosen model with its params merged, and the edited messages as prompt `playground` or another suite
// prompt). The derived suite names the stored variant as its baseline, so the trial run's report compares the trial
// with it, paired, as `evalspec show` does for any run.
import { EvalspecError } from '../errors.js';
import { type ModelRef, type Prompt, type Suite } from '../suite/index.js';
import { stableStringify } from '../stable-json.js';
import { buildPlan, variantsOf, type Plan, type Variant } from '../plan/index.js';
import type { RunRecord, StoredVariant } from '../store/index.js';
import type { TrialRequest } from '../viewer/index.js';
import { modelOfVariant, suiteOfRun } from './run-info.js';

/** The prompt id of edited messages in a trial run. */
export const PLAYGROUND_PROMPT_ID = 'playground';

export interface TrialPlan {
  plan: Plan;
  stored: Variant;
  trial: Variant;
  storedVariant: StoredVariant;
}

const usage = (message: string, hint: string, file?: string) => new EvalspecError('USAGE', message, { hint, file });

/** A suite model by label or ref, else a `provider:model` ref on one of the suite's providers (the loader adds it). */
function modelNamed(suite: Suite, run: RunRecord, name: string): ModelRef {
  const known = suite.models.find((m) => m.label === name) ?? suite.models.find((m) => m.ref === name);
  if (known) return known;
  const added = suiteOfRun(run, { models: [name] }).models.find((m) => m.label === name || m.ref === name);
  if (!added) throw usage(`no model "${name}" in the suite`, `the suite's models: ${suite.models.map((m) => m.label).join(', ')}`, suite.file);
  return added;
}

export function trialPlan(run: RunRecord, request: TrialRequest, maxTrialCases: number): TrialPlan {
  const storedVariant = run.variants.find((v) => v.id === request.variantId);
  if (!storedVariant) throw usage(`run ${run.id} has no variant "${request.variantId}"`, `its variants: ${run.variants.map((v) => v.id).join(', ')}`);
  const suite = suiteOfRun(run);
  const storedModel = modelOfVariant(suite, storedVariant);
  const storedPrompt = suite.prompts.find((p) => p.id === storedVariant.prompt);
  if (!storedModel || !storedPrompt) {
    throw usage(
      `variant ${storedVariant.id} of run ${run.id} is no longer in ${suite.file} (its model ${storedVariant.label} or prompt ${storedVariant.prompt} is gone)`,
      'pick a variant the suite file still has, or a newer run',
      suite.file,
    );
  }

  let trialModel = modelNamed(suite, run, request.model);
  if (request.params && Object.keys(request.params).length > 0) {
    const params = { ...trialModel.params, ...request.params };
    if (stableStringify(params) !== stableStringify(trialModel.params)) trialModel = { ...trialModel, params };
  }
  // A second entry of the same model (other params) needs its own label, or two variants would share an id.
  if (trialModel !== storedModel && trialModel.label === storedModel.label)
    trialModel = { ...trialModel, label: `${trialModel.label}@${PLAYGROUND_PROMPT_ID}` };

  if ((request.messages === undefined) === (request.promptId === undefined))
    throw usage('give either messages or promptId', 'send the edited messages, or a prompt id of the suite');
  let trialPrompt: Prompt;
  if (request.messages) {
    if (request.messages.length === 0) throw usage('a prompt needs at least one message', 'add a user message');
    trialPrompt = { id: PLAYGROUND_PROMPT_ID, messages: request.messages.map((m) => ({ role: m.role, content: m.content })) };
  } else {
    const named = suite.prompts.find((p) => p.id === request.promptId);
    if (!named) throw usage(`no prompt "${request.promptId}" in the suite`, `its prompts: ${suite.prompts.map((p) => p.id).join(', ')}`, suite.file);
    trialPrompt = named;
  }
  if (trialModel === storedModel && trialPrompt === storedPrompt) {
    throw usage(`the trial is variant ${storedVariant.id} itself`, 'change the prompt, the model or its params');
  }

  const caseIds = [...new Set(request.caseIds)];
  if (caseIds.length === 0) throw usage('no cases to try', 'pick a slice of the run with at least one case');
  if (caseIds.length * run.repeat > maxTrialCases) {
    throw usage(
      `${caseIds.length} cases × ${run.repeat} repeats is more than a trial runs (${maxTrialCases})`,
      'try a smaller slice (sample n), or run the full suite',
    );
  }
  const byId = new Map(suite.cases.map((c) => [c.id, c]));
  const missing = caseIds.filter((id) => !byId.has(id));
  if (missing.length)
    throw usage(
      `the suite file has no case ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}`,
      'pick cases the suite still has',
      suite.file,
    );
  const wanted = new Set(caseIds);

  const models = trialModel === storedModel ? [storedModel] : [storedModel, trialModel];
  const prompts = trialPrompt === storedPrompt ? [storedPrompt] : [storedPrompt, trialPrompt];
  const probe = variantsOf({ ...suite, models, prompts });
  const stored = probe.find((v) => v.model === storedModel && v.prompt === storedPrompt)!;
  const trial = probe.find((v) => v.model === trialModel && v.prompt === trialPrompt)!;
  const derived: Suite = {
    ...suite,
    models,
    prompts,
    promptsImplicit: false,
    cases: suite.cases.filter((c) => wanted.has(c.id)),
    bars: [],
    baseline: stored.id,
    // As stored with the trial run: what was tried (the messages with their {{vars}}), compared with what.
    storedConfig: {
      ...suite.storedConfig,
      prompts: prompts.map((p) => ({ id: p.id, messages: p.messages })),
      bars: [],
      baseline: stored.id,
      playground: { run: run.id, variant: storedVariant.id, model: request.model, prompt: trialPrompt.id },
    },
  };
  const plan = buildPlan(derived, { repeat: run.repeat, variants: [stored.id, trial.id] });
  return { plan, stored: plan.variants[0], trial: plan.variants[1], storedVariant };
}
