// Quality bars (`bars:`) are checked when the suite loads, beyond what the schema can say: which fields go
// together, that thresholds can be proven at all, and that the metrics, segments and variants they name
// exist. Every problem is an EvalspecError naming file:line and the fix (exit 2, nothing is run).
import { EvalspecError } from '../errors.js';
import type { BarSpec, Prompt } from './schema.js';
import type { Case } from './cases.js';
import type { CheckSpec } from './check-specs.js';

export const BAR_METRICS = ['pass_rate', 'score'] as const;

export interface BarContext {
  file: string;
  lineOf: (path: (string | number)[]) => number | undefined;
  /** Every model of the suite (before any --model filter). */
  models: { ref: string; label: string }[];
  prompts: Prompt[];
  promptsImplicit: boolean;
  /** The cases' checks and tags (the suite passes one summary of them: their distinct checks and tags). */
  cases: Pick<Case, 'checks' | 'tags'>[];
  /** The suite's default checks. */
  checks: CheckSpec[];
  baseline?: string;
}

/** Names a variant can be referred to by: variant ids, model labels and model refs. */
export function variantNames(models: BarContext['models'], prompts: Prompt[]): string[] {
  const single = prompts.length === 1;
  const names = new Set<string>();
  for (const m of models) {
    names.add(m.label);
    names.add(m.ref);
    if (!single) for (const p of prompts) names.add(`${m.label}/${p.id}`);
  }
  return [...names];
}

function list(values: readonly string[], max = 12): string {
  const shown = values.slice(0, max).join(', ');
  return values.length > max ? `${shown}, … (${values.length} in all)` : shown || '(none)';
}

/** Validate the suite's bars and baseline; throws on the first problem. */
export function validateBars(bars: readonly BarSpec[], ctx: BarContext): void {
  const names = variantNames(ctx.models, ctx.prompts);
  if (ctx.baseline !== undefined && !names.includes(ctx.baseline)) {
    throw new EvalspecError('SUITE_SCHEMA', `baseline "${ctx.baseline}" is not a model of this suite`, {
      file: ctx.file,
      line: ctx.lineOf(['baseline']),
      hint: `name a model label or variant id: ${list(names)}`,
    });
  }
  const metrics = new Set<string>();
  const severityMetrics = new Set<string>();
  for (const c of [...ctx.checks, ...ctx.cases.flatMap((x) => x.checks)]) {
    metrics.add(c.metric);
    severityMetrics.add(`${c.severity}\u0000${c.metric}`);
  }
  const hasSeverity = (severity: string) => [...severityMetrics].some((k) => k.startsWith(`${severity}\u0000`));
  const tags = [...new Set(ctx.cases.flatMap((c) => c.tags))].sort();

  bars.forEach((bar, i) => {
    const fail = (key: string | undefined, message: string, hint: string): never => {
      throw new EvalspecError('SUITE_SCHEMA', `bars[${i}]: ${message}`, {
        file: ctx.file,
        line: ctx.lineOf(key ? ['bars', i, key] : ['bars', i]),
        hint,
      });
    };
    const has = (key: keyof BarSpec) => bar[key] !== undefined;
    const kinds = (['min', 'max', 'max_rate', 'compare'] as const).filter(has);

    if (has('max_drop') && !has('compare'))
      fail('max_drop', 'max_drop is for bars that compare with another variant', 'add compare: baseline (or a model label), or remove max_drop');
    if (has('severity') && !has('max_rate'))
      fail('severity', 'severity selects the checks of a failure-rate bar', 'add max_rate: (e.g. { severity: critical, max_rate: 0.01 }), or remove severity');
    if (kinds.length === 0) {
      fail(
        undefined,
        'a bar needs min, max, max_rate or compare',
        'e.g. { metric: pass_rate, min: 0.85 }, { severity: critical, max_rate: 0.01 } or { compare: baseline, max_drop: 0.02 }',
      );
    }
    if (kinds.length > 1) {
      const second = kinds[1];
      fail(second, `a bar has one of min, max, max_rate or compare; this one has ${kinds.join(' and ')}`, 'write one bar per condition (two list items)');
    }
    const kind = kinds[0];
    if (bar.level !== undefined && bar.level < 0.5)
      fail('level', `level ${bar.level} is the one-sided confidence of the bar and must be at least 0.5`, 'use e.g. level: 0.95 (the default) or 0.99');

    const metric = bar.metric;
    const reserved = metric !== undefined && (BAR_METRICS as readonly string[]).includes(metric);
    if (metric !== undefined && !reserved && !metrics.has(metric)) {
      fail('metric', `no check of this suite has metric "${metric}"`, `use pass_rate, score, or a check metric: ${list([...metrics].sort())}`);
    }

    if (kind === 'compare') {
      if (!has('max_drop'))
        fail(
          'compare',
          'a compare bar needs max_drop: the largest drop allowed against the other variant',
          'e.g. { compare: baseline, max_drop: 0.02 } (2 points of pass rate)',
        );
      if (bar.compare !== 'baseline' && !names.includes(bar.compare!)) {
        fail(
          'compare',
          `compare: "${bar.compare}" is neither "baseline" nor a model of this suite`,
          `write compare: baseline, or a model label or variant id: ${list(names)}`,
        );
      }
      if ((metric === undefined || reserved) && bar.max_drop! >= 1)
        fail('max_drop', `max_drop ${bar.max_drop} allows any drop of a rate`, 'write the drop as a fraction, e.g. 0.02 for 2 points');
    } else if (kind === 'max_rate') {
      if (!has('severity') && metric === undefined) {
        fail(
          'max_rate',
          'max_rate needs severity or metric: the checks whose failure rate is bounded',
          'e.g. { severity: critical, max_rate: 0.01 } or { metric: no-cash-promise, max_rate: 0.01 }',
        );
      }
      if (reserved)
        fail(
          'metric',
          `max_rate bounds the failure rate of checks; "${metric}" is not a check metric`,
          `for the pass rate write { metric: pass_rate, min: … }; otherwise name a check metric: ${list([...metrics].sort())}`,
        );
      if (bar.max_rate === 0 || bar.max_rate === 1) {
        fail(
          'max_rate',
          `max_rate ${bar.max_rate} can never be proven with a finite suite`,
          'write the rate you need to prove, e.g. max_rate: 0.01 (0 failures in 299 cases prove it at 95%)',
        );
      }
      if (bar.severity && !hasSeverity(bar.severity)) {
        fail('severity', `no check of this suite has severity ${bar.severity}`, `add severity: ${bar.severity} to the checks this bar is about`);
      }
      if (bar.severity && metric && !severityMetrics.has(`${bar.severity}\u0000${metric}`)) {
        fail('metric', `no ${bar.severity} check of this suite has metric "${metric}"`, 'check the severity and metric of the checks this bar is about');
      }
    } else {
      if (metric === undefined) {
        fail(kind, `a ${kind} bar needs a metric`, `add metric: pass_rate, score, or a check metric (${list([...metrics].sort())})`);
      }
      const value = kind === 'min' ? bar.min! : bar.max!;
      if (reserved) {
        if (value < 0 || value > 1) fail(kind, `${metric} is between 0 and 1; ${kind}: ${value} is outside`, `write a fraction, e.g. ${kind}: 0.85 for 85%`);
        if ((kind === 'min' && value === 1) || (kind === 'max' && value === 0)) {
          fail(
            kind,
            `${metric} ${kind === 'min' ? '≥ 1' : '≤ 0'} can never be proven with a finite suite`,
            kind === 'min'
              ? 'write the rate you need to prove, e.g. min: 0.99; for "never fails" use a failure-rate bar: { severity: critical, max_rate: 0.01 }'
              : 'write a positive bar, e.g. max: 0.01',
          );
        }
      }
    }

    if (bar.segment !== undefined && !tags.includes(bar.segment) && !tags.includes(`segment:${bar.segment}`)) {
      fail('segment', `no case is tagged "${bar.segment}"`, `segments are case tags; this suite's tags: ${list(tags)}`);
    }
    if (bar.variant !== undefined && !names.includes(bar.variant)) {
      fail('variant', `variant "${bar.variant}" is not a model of this suite`, `name a model label or variant id: ${list(names)}`);
    }
  });
}
