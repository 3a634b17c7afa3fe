// Fields every check accepts (shared by check-specs.ts and judge-specs.ts).
import { z } from 'zod';

export const nonEmptyString = z.string().min(1, { error: 'must be a non-empty string' });

/** Fields every check accepts. `metric` defaults to the type name (filled in by the per-type transform). */
export const commonCheckFields = {
  weight: z.number().min(0, { error: 'must be a number >= 0' }).default(1),
  metric: nonEmptyString.optional(),
  severity: z.enum(['normal', 'critical']).default('normal'),
  not: z.boolean().default(false),
  description: z.string().optional(),
};
