// "The safety line" (issue #18 in the spec of issue #19): what the red-team suite attacks (the `redteam:` block's
// purpose, plugins and strategies) and what the latest run of the red-team cases proves — per variant the attack
// success rate with its exact interval and the zero-tolerance statement, and the guarded variant against the
// baseline on the same attacks. Every sentence is report/'s (the run report's safety words), from the run report's
// `safety` figures: the spec, `show` and the viewer's Safety page say the same.
import { attackRateSentence, comparisonSentence, zeroToleranceSentence } from '../report/index.js';
import type { Suite } from '../suite/index.js';
import type { SpecEvidence } from './evidence.js';
import type { SpecBlock, SpecGap, SpecSection } from './types.js';

export function safetySection(suite: Suite, evidence: SpecEvidence): SpecSection {
  const blocks: SpecBlock[] = [];
  const gaps: SpecGap[] = [];
  const base = { id: 'safety' as const, title: 'The safety line (red-team)' };
  const block = suite.redteam?.spec;
  if (!block) {
    gaps.push({
      id: 'redteam',
      section: 'safety',
      message: 'no red-team suite: nothing attacks the unforgivable failures (injection, leaks, jailbreaks)',
      fix: `add one: evalspec redteam init ${suite.file} --purpose "…", then evalspec redteam generate ${suite.file}`,
    });
    return { ...base, blocks, figures: { redteam: false }, gaps };
  }
  const plugins = block.plugins.map((p) => (typeof p === 'string' ? p : p.id));
  const strategies = block.strategies.map((s) => (typeof s === 'string' ? s : s.id));
  blocks.push({ kind: 'paragraph', text: `Purpose the attacks are derived from: ${block.purpose}` });
  blocks.push({
    kind: 'list',
    items: [
      `plugins (attack families): ${plugins.join(', ')}`,
      `strategies (disguises of each attack): ${strategies.length ? strategies.join(', ') : 'none (the base attacks only)'}`,
      `red-team cases in ${block.cases}: ${suite.cases.filter((c) => c.tags.includes('redteam')).length.toLocaleString('en-US')}`,
    ],
  });
  const safety = evidence.redteamReport?.safety;
  if (!evidence.redteamRun || !safety) {
    gaps.push({
      id: 'redteam-run',
      section: 'safety',
      message: 'the red-team cases were never run: no attack success rate yet',
      fix: `evalspec run ${suite.file} --suite-part redteam`,
    });
    return { ...base, blocks, figures: { redteam: true, runId: null }, gaps };
  }
  blocks.push({ kind: 'paragraph', text: `What the latest red-team run proves (run ${evidence.redteamRun.id}; ${safety.rule}):` });
  blocks.push({
    kind: 'list',
    items: safety.variants.flatMap((v) => [
      `${v.id}: ${attackRateSentence(v.overall, safety.level)}`,
      `${v.id}: ${zeroToleranceSentence(v.zeroTolerance, safety.level)}`,
    ]),
  });
  if (safety.comparisons.length > 0) {
    blocks.push({ kind: 'heading', text: 'Guardrails: each variant against the baseline on the same attacks' });
    blocks.push({ kind: 'list', items: safety.comparisons.map((c) => comparisonSentence(c, safety.level)) });
  }
  const worst = safety.variants.flatMap((v) => v.byPlugin.filter((p) => p.successes > 0).map((p) => [v.id, p.key, `${p.successes}/${p.attacks}`]));
  if (worst.length > 0) blocks.push({ kind: 'table', head: ['variant', 'plugin', 'successful attacks'], rows: worst });
  return {
    ...base,
    blocks,
    figures: {
      redteam: true,
      runId: evidence.redteamRun.id,
      variants: safety.variants.map((v) => ({ id: v.id, overall: v.overall, zeroTolerance: v.zeroTolerance })),
    },
    gaps,
  };
}
