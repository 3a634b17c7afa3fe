// A/B experiment statistics (issue #17), re-exported by stats/index.ts.
export type { ArmEffect, CovariateMoments, EffectEstimate, EffectNote, EffectOptions, Moments, RatioMoments } from './types.js';
export { cupedEffect, effectDifference, effectFromStandardError, meanEffect, ratioEffect, type CupedEffect } from './effects.js';
export { DEFAULT_SEQUENTIAL_TUNING, sequentialEffect, sequentialMixtureVariance, type SequentialOptions } from './sequential.js';
export { SRM_THRESHOLD, sampleRatioMismatch, type SampleRatioMismatch } from './srm.js';
export { adjustPValues, guardrailIntervalLevel, guardrailVerdict, type GuardrailOptions, type GuardrailVerdict, type PValueCorrection } from './decisions.js';
export { experimentSampleSize, type ExperimentSampleSize, type ExperimentSampleSizeOptions } from './planning.js';
