// Call metrics: max-latency-ms and max-cost. An unknown cost cannot be judged: the check fails as
// indeterminate (and `not` does not turn that into a pass). Latency is different: every call we make is
// timed, so a missing latency means the output has none by nature (a replayed log without latency_ms). The
// check is then not applicable: left out of the result's pass and score, not failed (the run warns once).
import { z } from 'zod';
import { fail, indeterminate, notApplicable, pass } from '../evaluator.js';
import { commonCheckFields as common, defineCheck } from './definition.js';

export const maxLatencyMs = defineCheck({
  type: 'max-latency-ms',
  schema: z.strictObject({
    type: z.literal('max-latency-ms'),
    ...common,
    value: z.number().min(0, { error: 'must be a number of milliseconds >= 0' }),
  }),
  prepare: (spec) => {
    const max = spec.value;
    const none = notApplicable('no latency (a replayed output without latency_ms)');
    const unknown = indeterminate('latency unknown');
    return (_view, ctx) => {
      const ms = ctx.latencyMs;
      if (ms === undefined) return none;
      if (!Number.isFinite(ms)) return unknown;
      return ms <= max ? pass(`latency ${Math.round(ms)} ms <= ${max} ms`) : fail(`latency ${Math.round(ms)} ms > ${max} ms`);
    };
  },
});

const usd = (v: number) => `$${Number(v.toPrecision(6))}`;

export const maxCost = defineCheck({
  type: 'max-cost',
  schema: z.strictObject({
    type: z.literal('max-cost'),
    ...common,
    value: z.number().min(0, { error: 'must be a cost in USD >= 0' }),
  }),
  prepare: (spec) => {
    const max = spec.value;
    const unknown = indeterminate('cost unknown (unpriced model)');
    return (_view, ctx) => {
      const cost = ctx.costUsd;
      if (cost === undefined || !Number.isFinite(cost)) return unknown;
      return cost <= max ? pass(`cost ${usd(cost)} <= ${usd(max)}`) : fail(`cost ${usd(cost)} > ${usd(max)}`);
    };
  },
});
