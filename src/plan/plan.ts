// The plan stage: cases × variants (model × prompt) × repeats, with every template rendered up front, so a
// missing variable fails the whole run before the first call rather than half-way through.
import type { Suite, Case, ModelRef, Prompt, Message, CheckSpec } from '../suite/index.js';
import { renderTemplate, renderDeep } from '../suite/index.js';

export interface Variant {
  /** "label" when the suite has one prompt, "label/promptId" otherwise. Stable across runs of the suite. */
  id: string;
  model: ModelRef;
  prompt: Prompt;
}

export interface PlannedCase {
  case: Case;
  /** The suite's default checks followed by the case's own, with {{vars}} rendered. */
  checks: CheckSpec[];
  /** Rendered messages per prompt id. */
  messages: Map<string, Message[]>;
}

export interface WorkItem {
  key: string;
  caseId: string;
  variantId: string;
  repeat: number;
  planned: PlannedCase;
  variant: Variant;
  messages: Message[];
}

export interface Plan {
  suite: Suite;
  variants: Variant[];
  cases: PlannedCase[];
  repeat: number;
  totalCalls: number;
  /** Work items in execution order: repeat-major, then case, then variant (spreads load over providers). */
  items(): Iterable<WorkItem>;
}

export function resultKey(caseId: string, variantId: string, repeat: number): string {
  return `${caseId}\u0000${variantId}\u0000${repeat}`;
}

export function variantsOf(suite: Suite): Variant[] {
  const single = suite.prompts.length === 1;
  return suite.models.flatMap((model) =>
    suite.prompts.map((prompt) => ({ id: single ? model.label : `${model.label}/${prompt.id}`, model, prompt })),
  );
}

function planCase(suite: Suite, c: Case): PlannedCase {
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
  const checks = [...suite.checks, ...c.checks].map((spec) =>
    renderDeep(spec, c.vars, { ...where, what: `check "${spec.type}"` }),
  );
  return { case: c, checks, messages };
}

export function buildPlan(suite: Suite, options: { repeat?: number } = {}): Plan {
  const repeat = options.repeat ?? suite.repeat;
  const variants = variantsOf(suite);
  const cases = suite.cases.map((c) => planCase(suite, c));
  return {
    suite,
    variants,
    cases,
    repeat,
    totalCalls: cases.length * variants.length * repeat,
    *items() {
      for (let r = 0; r < repeat; r++) {
        for (const planned of cases) {
          for (const variant of variants) {
            yield {
              key: resultKey(planned.case.id, variant.id, r),
              caseId: planned.case.id,
              variantId: variant.id,
              repeat: r,
              planned,
              variant,
              messages: planned.messages.get(variant.prompt.id) ?? [],
            };
          }
        }
      }
    },
  };
}
