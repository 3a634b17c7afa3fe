// src/viewer/safety-types.ts copies analysis/safety-figures.ts's shapes for the browser bundle (it must stay
// import-free). Type-checked by `npm run typecheck`: when a copy drifts, the literal below stops compiling.
import { describe, expect, it } from 'vitest';
import type * as Viewer from '../../src/viewer/safety-types.js';
import type { SafetyComparison, SafetyFigures, SafetyVariant, WorstAttack } from '../../src/analysis/index.js';

type Mirrors<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

const mirrored: Record<string, true> = {
  safety: true satisfies Mirrors<Viewer.SafetyView, SafetyFigures>,
  variant: true satisfies Mirrors<Viewer.SafetyVariantView, SafetyVariant>,
  comparison: true satisfies Mirrors<Viewer.SafetyComparisonView, SafetyComparison>,
  worst: true satisfies Mirrors<Viewer.WorstAttackView, WorstAttack>,
};

describe('safety API types', () => {
  it('mirror the analysis shapes they copy (checked at compile time by npm run typecheck)', () => {
    expect(Object.values(mirrored).every((v) => v === true)).toBe(true);
  });
});
