// "What good means": every check and judge of the suite in words (a rubric's dimensions with their anchors) and the
// quality bars in report/'s words (bar-text.ts: one wording for the report, `gate` and this spec).
import { isJudgeCheckType, type Suite, type CheckSpec } from '../suite/index.js';
import { barText } from '../report/index.js';
import type { SpecBlock, SpecGap, SpecSection } from './types.js';

// Keys every check may have, said apart (metric, severity, negation) or not worth saying (weight 1).
const COMMON_KEYS = new Set(['type', 'metric', 'severity', 'not', 'weight', 'description', 'judge', 'ensemble', 'input', 'dimensions', 'rubric', 'criteria']);

/** A setting's value: a string as written (quoted), anything else as JSON. */
function settingText(value: unknown): string {
  return typeof value === 'string' ? `"${value}"` : JSON.stringify(value);
}

/** A judge model list in words: "openai:gpt-4o-mini", or an ensemble of several. */
function judgeNames(judge: unknown): string {
  const list = Array.isArray(judge) ? judge : [judge];
  const names = list.map((j) => (typeof j === 'string' ? j : String((j as { label?: string; id?: string }).label ?? (j as { id?: string }).id)));
  return names.length > 1 ? `an ensemble of ${names.join(', ')}` : (names[0] ?? 'a judge');
}

/** One check in words: its type and settings, what it is for, and whether a failure is critical. */
export function checkWords(spec: CheckSpec): string {
  const raw = spec as unknown as Record<string, unknown>;
  const settings = Object.entries(raw)
    .filter(([k, v]) => !COMMON_KEYS.has(k) && v !== undefined && !(k === 'weight' && v === 1))
    .map(([k, v]) => `${k} ${settingText(v)}`);
  const negated = raw.not === true ? 'not ' : '';
  let text = `${negated}${spec.type}${settings.length ? ` (${settings.join(', ')})` : ''}`;
  if (isJudgeCheckType(spec.type)) {
    text = `${spec.type} judged by ${judgeNames(raw.judge)}`;
    if (typeof raw.rubric === 'string') text += `: "${raw.rubric.trim()}"`;
    if (typeof raw.criteria === 'string') text += `: "${raw.criteria.trim()}"`;
    if (settings.length) text += ` (${settings.join(', ')})`;
  }
  if (spec.metric !== spec.type) text += ` [metric ${spec.metric}]`;
  if (spec.severity === 'critical') text += ' — critical: one failure is unforgivable';
  if (typeof raw.description === 'string') text += ` — ${raw.description}`;
  return text;
}

/** A rubric's dimensions, each with its anchors: "accuracy: 1 = …; 3 = …; 5 = …". */
function rubricDimensions(spec: CheckSpec): string[] {
  const dims = (spec as unknown as { dimensions?: { name: string; description?: string; anchors: Record<string, string> }[] }).dimensions;
  if (!dims) return [];
  return dims.map((d) => {
    const anchors = Object.entries(d.anchors)
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([level, text]) => `${level} = ${text.trim()}`)
      .join('; ');
    return `${d.name}${d.description ? ` (${d.description.trim()})` : ''}: ${anchors}`;
  });
}

export function goodSection(suite: Suite): SpecSection {
  const blocks: SpecBlock[] = [];
  const gaps: SpecGap[] = [];
  // Per-case checks are counted by what they say (type, metric, severity), not listed once per case.
  const perCase = new Map<string, { spec: CheckSpec; cases: number }>();
  for (const c of suite.cases) {
    const seen = new Set<string>();
    for (const check of c.checks) {
      const key = `${check.type}\u0000${check.metric}\u0000${check.severity}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const entry = perCase.get(key) ?? { spec: check, cases: 0 };
      entry.cases++;
      perCase.set(key, entry);
    }
  }
  if (suite.checks.length > 0) {
    blocks.push({ kind: 'paragraph', text: 'Every output is checked for:' });
    blocks.push({ kind: 'list', items: suite.checks.map(checkWords) });
  }
  if (perCase.size > 0) {
    blocks.push({ kind: 'paragraph', text: 'Checks written on the cases themselves (each with its own expected values):' });
    blocks.push({
      kind: 'list',
      items: [...perCase.values()].map(({ spec, cases }) => {
        const sameEverywhere =
          cases === 1
            ? checkWords(spec)
            : `${spec.type}${spec.metric !== spec.type ? ` [metric ${spec.metric}]` : ''}${spec.severity === 'critical' ? ' — critical' : ''}`;
        return `${sameEverywhere} — on ${cases.toLocaleString('en-US')} case${cases === 1 ? '' : 's'}`;
      }),
    });
  }
  const rubrics = [...suite.checks, ...[...perCase.values()].map((p) => p.spec)].filter((c) => c.type === 'rubric');
  for (const rubric of rubrics) {
    const scale = (rubric as unknown as { scale?: [number, number] }).scale;
    blocks.push({ kind: 'heading', text: `Rubric ${rubric.metric}${scale ? ` (scale ${scale[0]}–${scale[1]})` : ''}` });
    blocks.push({ kind: 'list', items: rubricDimensions(rubric) });
  }
  if (suite.checks.length === 0 && perCase.size === 0) {
    gaps.push({ id: 'checks', section: 'good', message: 'no checks: every output passes whatever it says', fix: 'add checks: to the suite (docs/checks.md)' });
  }
  const judges = [...suite.checks, ...[...perCase.values()].map((p) => p.spec)].filter((c) => isJudgeCheckType(c.type));
  const bars = suite.bars.map((bar) => {
    const words = barText(bar, suite.baseline);
    const extras = [bar.variant ? `for ${bar.variant}` : '', bar.level !== undefined ? `at ${bar.level * 100}% confidence` : '', bar.description ?? '']
      .filter(Boolean)
      .join('; ');
    return extras ? `${words} (${extras})` : words;
  });
  if (bars.length > 0) {
    blocks.push({ kind: 'heading', text: 'Quality bars' });
    blocks.push({ kind: 'list', items: bars });
  } else {
    gaps.push({
      id: 'bars',
      section: 'good',
      message: 'no quality bars: nothing says how good is good enough',
      fix: 'add bars: to the suite, e.g. { metric: pass_rate, min: 0.85 }',
    });
  }
  return {
    id: 'good',
    title: 'What "good" means',
    blocks,
    figures: { defaultChecks: suite.checks.length, caseCheckKinds: perCase.size, judges: judges.length, bars },
    gaps,
  };
}
