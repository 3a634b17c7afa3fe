// The plan stage: cases × variants (model × prompt) × repeats, with every template rendered up front, so a
// missing variable fails the whole run before the first call rather than half-way through. Rendered
// messages and checks are not kept: they are rendered again when used (a case's messages once for all
// its variants), and the cases themselves are read from the suite's case source on each pass (a streamed
// cases file is read again), so the plan holds nothing per case, whatever their number (issue #22).
import type { Suite, Case, ModelRef, Prompt, Message, CheckSpec, ConversationTurn, SimulatedUser } from '../suite/index.js';
import { renderTemplate, renderDeep, arrayCaseSource, caseSourceOf, type CaseSource } from '../suite/index.js';
import { stableStringify } from '../stable-json.js';
import { EvalspecError } from '../errors.js';

export interface Variant {
  /** "label" when the suite has one prompt, "label/promptId" otherwise. Stable across runs of the suite. */
  id: string;
  model: ModelRef;
  prompt: Prompt;
}

export interface PlannedCase {
  case: Case;
  /** The suite's default checks followed by the case's own, with {{vars}} rendered (rendered on each read). */
  readonly checks: CheckSpec[];
  /** Rendered messages per prompt id (rendered on each read). */
  readonly messages: Map<string, Message[]>;
  /** A conversation case: its scripted turns or its simulated user, {{vars}} rendered (on each read). */
  readonly conversation: PlannedConversation | undefined;
}

/** What a conversation case plays after the prompt's messages (docs/agents.md "Conversations"). */
export type PlannedConversation = { turns: ConversationTurn[]; simulatedUser?: undefined } | { turns?: undefined; simulatedUser: SimulatedUser };

export interface WorkItem {
  key: string;
  caseId: string;
  variantId: string;
  repeat: number;
  planned: PlannedCase;
  variant: Variant;
  messages: Message[];
}

/** The plan's cases in suite order, read again on each pass (one case in memory at a time). */
export interface PlannedCases extends Iterable<PlannedCase> {
  readonly length: number;
  /** The cases at positions [from, to), in memory (a distributed run's job, a resume's cases yet to store). */
  slice(from: number, to: number): PlannedCase[];
}

export interface Plan {
  suite: Suite;
  variants: Variant[];
  cases: PlannedCases;
  /**
   * The type of every check of the plan (the suite's, the cases' own and their turns'): what a pass over the
   * cases would find, known without one (no judge type: no judge to set up, no pairwise phase).
   */
  checkTypes: ReadonlySet<string>;
  /** The distinct simulated users of the plan's cases (the models that play the user), known without a pass. */
  simulatedUsers: SimulatedUser[];
  repeat: number;
  totalCalls: number;
  /** Work items in execution order: repeat-major, then case, then variant (spreads load over providers). */
  items(): Iterable<WorkItem>;
}

export function resultKey(caseId: string, variantId: string, repeat: number): string {
  return `${caseId}\u0000${variantId}\u0000${repeat}`;
}

export function variantsOf(suite: Suite): Variant[] {
  // A --prompt selection keeps the ids of the whole suite (gpt-4o/v2 stays gpt-4o/v2 when v1 is left out), so runs
  // with and without it compare variant by variant; a suite with a prompt added (the playground's) gains the suffix.
  const single = new Set([...(suite.declaredPromptIds ?? []), ...suite.prompts.map((p) => p.id)]).size === 1;
  return suite.models.flatMap((model) => suite.prompts.map((prompt) => ({ id: single ? model.label : `${model.label}/${prompt.id}`, model, prompt })));
}

function renderMessages(suite: Suite, c: Case): Map<string, Message[]> {
  const where = { file: c.source.file, line: c.source.line, caseId: c.id };
  const messages = new Map<string, Message[]>();
  for (const prompt of suite.prompts) {
    messages.set(
      prompt.id,
      prompt.messages.map((m, i) => ({
        role: m.role,
        content: renderTemplate(m.content, c.vars, { ...where, what: `prompt "${prompt.id}" message ${i + 1}` }),
      })),
    );
  }
  return messages;
}

function renderChecks(suite: Suite, c: Case): CheckSpec[] {
  const where = { file: c.source.file, line: c.source.line, caseId: c.id };
  return [...suite.checks, ...c.checks].map((spec) => renderDeep(spec, c.vars, { ...where, what: `check "${spec.type}"` }));
}

function renderConversation(c: Case): PlannedConversation | undefined {
  const where = { file: c.source.file, line: c.source.line, caseId: c.id };
  if (c.turns) {
    return {
      turns: c.turns.map((t, i) => ({
        user: renderTemplate(t.user, c.vars, { ...where, what: `turn ${i + 1}` }),
        checks: t.checks.map((spec) => renderDeep(spec, c.vars, { ...where, what: `turn ${i + 1} check "${spec.type}"` })),
      })),
    };
  }
  if (c.simulatedUser) {
    const instruction = renderTemplate(c.simulatedUser.instruction, c.vars, { ...where, what: 'simulated_user instruction' });
    return { simulatedUser: { ...c.simulatedUser, instruction } };
  }
  return undefined;
}

/** A planned case: rendered once now (a missing variable throws here), rendered again when read. */
class LazyPlannedCase implements PlannedCase {
  readonly case: Case;
  private readonly suite: Suite;
  constructor(suite: Suite, c: Case, options: { rendered?: boolean } = {}) {
    this.suite = suite;
    this.case = c;
    if (options.rendered) return; // buildPlan's pass rendered it already
    renderMessages(suite, c);
    renderChecks(suite, c);
    renderConversation(c);
  }
  get checks(): CheckSpec[] {
    return renderChecks(this.suite, this.case);
  }
  get messages(): Map<string, Message[]> {
    return renderMessages(this.suite, this.case);
  }
  get conversation(): PlannedConversation | undefined {
    return renderConversation(this.case);
  }
}

export interface BuildPlanOptions {
  /** The repeat count (default the suite's). */
  repeat?: number;
  /**
   * Only these variant ids, in this order (the first is the report's baseline unless the suite names one): the
   * playground's stored variant then its trial, `run --against`'s stored variants then the new ones.
   */
  variants?: string[];
  /** Only these cases (of the suite's, in this order): `run --against` plans the stored run's cases. */
  cases?: Case[];
}

export function buildPlan(suite: Suite, options: BuildPlanOptions = {}): Plan {
  const repeat = options.repeat ?? suite.repeat;
  const variants = selectVariants(suite, options.variants);
  const source = options.cases ? arrayCaseSource(options.cases) : caseSourceOf(suite);
  const checkTypes = new Set(suite.checks.map((c) => c.type));
  const simulatedUsers = new Map<string, SimulatedUser>();
  // One pass now: every template rendered (a missing variable throws here, before anything runs).
  for (const c of source) {
    void new LazyPlannedCase(suite, c);
    for (const check of c.checks) checkTypes.add(check.type);
    for (const turn of c.turns ?? []) for (const check of turn.checks) checkTypes.add(check.type);
    if (c.simulatedUser) simulatedUsers.set(stableStringify(c.simulatedUser), c.simulatedUser);
  }
  const cases = plannedCases(suite, source);
  return {
    suite,
    variants,
    cases,
    checkTypes,
    simulatedUsers: [...simulatedUsers.values()],
    repeat,
    totalCalls: cases.length * variants.length * repeat,
    items() {
      return repeatMajorItems(variants, cases, 0, repeat);
    },
  };
}

/** Planned cases over a case source: each case planned as it is read (its templates were rendered once by buildPlan). */
function plannedCases(suite: Suite, source: CaseSource): PlannedCases {
  const planned = (c: Case): PlannedCase => new LazyPlannedCase(suite, c, { rendered: true });
  return {
    length: source.length,
    *[Symbol.iterator]() {
      for (const c of source) yield planned(c);
    },
    slice: (from, to) => Array.from(source.slice(from, to), planned),
  };
}

function selectVariants(suite: Suite, ids: string[] | undefined): Variant[] {
  const all = variantsOf(suite);
  if (!ids) return all;
  const known = new Set(all.map((v) => v.id));
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new EvalspecError('USAGE', `no variant ${unknown.map((id) => `"${id}"`).join(', ')} in the suite`, {
      file: suite.file,
      hint: `the suite's variants: ${all.map((v) => v.id).join(', ')}`,
    });
  }
  return [...new Set(ids)].map((id) => all.find((v) => v.id === id)!);
}

/**
 * The work items of `cases` for repeats [fromRepeat, toRepeat), in execution order: repeat-major, then case, then
 * variant. A distributed run's job names a slice of the plan's cases and one repeat (distribute/).
 */
export function* repeatMajorItems(variants: Variant[], cases: Iterable<PlannedCase>, fromRepeat: number, toRepeat: number): Iterable<WorkItem> {
  for (let r = fromRepeat; r < toRepeat; r++) {
    for (const planned of cases) {
      const messages = planned.messages; // one render per case, shared by its variants
      for (const variant of variants) {
        yield {
          key: resultKey(planned.case.id, variant.id, r),
          caseId: planned.case.id,
          variantId: variant.id,
          repeat: r,
          planned,
          variant,
          messages: messages.get(variant.prompt.id) ?? [],
        };
      }
    }
  }
}
