// The quality bars and baseline stored with a run (the suite as it was when the run started), read leniently:
// they were validated when the suite loaded, and are checked again here for runs stored by older versions.
// The run report evaluates these bars, so `evalspec gate RUN_ID` gives the verdicts the run gave; doctor reads them too.
import { z } from 'zod';
import type { RunRecord } from '../store/index.js';
import type { BarDefinition } from '../stats/index.js';

const storedBarSchema = z.object({
  metric: z.string().optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  max_rate: z.number().optional(),
  severity: z.enum(['normal', 'critical']).optional(),
  segment: z.string().optional(),
  variant: z.string().optional(),
  compare: z.string().optional(),
  max_drop: z.number().optional(),
  level: z.number().optional(),
  description: z.string().optional(),
});

/** The bars and baseline stored with a run; a short warning when the bars cannot be read (then none is evaluated). */
export function storedBars(run: RunRecord): { bars: BarDefinition[]; baseline: string | undefined; warning: string | null } {
  const baseline = typeof run.config.baseline === 'string' ? run.config.baseline : undefined;
  const parsed = z.array(storedBarSchema).safeParse(run.config.bars ?? []);
  if (!parsed.success) return { bars: [], baseline, warning: 'the bars stored with this run could not be read; no bar was evaluated' };
  return { bars: parsed.data, baseline, warning: null };
}
