// src/viewer/experiment-types.ts copies the scorecard's shapes (src/experiment/scorecard-types.ts) because the browser
// bundle imports it and it must stay import-free. Type-checked by `npm run typecheck` (tsconfig.test.json): when the
// copy drifts, the object literal below stops compiling, naming the type. The runtime assertion only keeps vitest
// from reporting an empty file.
import { describe, expect, it } from 'vitest';
import type * as Viewer from '../../src/viewer/experiment-types.js';
import type * as Experiment from '../../src/experiment/index.js';

/** true when A and B are assignable both ways. */
type Mirrors<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

const mirrored: Record<string, true> = {
  scorecard: true satisfies Mirrors<Viewer.Scorecard, Experiment.Scorecard>,
  metric: true satisfies Mirrors<Viewer.MetricResult, Experiment.MetricResult>,
  guardrail: true satisfies Mirrors<Viewer.GuardrailResult, Experiment.GuardrailResult>,
  offline: true satisfies Mirrors<Viewer.OfflineLink, Experiment.OfflineLink>,
  srm: true satisfies Mirrors<Viewer.SrmCheck, Experiment.SrmCheck>,
  effect: true satisfies Mirrors<Viewer.EffectEstimate, Experiment.EffectEstimate>,
};

describe('the viewer mirrors the scorecard', () => {
  it('names every mirrored type', () => {
    expect(Object.keys(mirrored)).toEqual(['scorecard', 'metric', 'guardrail', 'offline', 'srm', 'effect']);
  });
});
