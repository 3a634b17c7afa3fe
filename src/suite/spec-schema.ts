// The suite's `spec:` block (issue #19): what `evalspec spec` needs beyond the suite itself to read as the product
// spec — who owns the feature, the user story, the wireframe, the kill-switch conditions, and which sections the
// team requires. It documents the suite and changes nothing that is run, so it stays out of the suite hash.
import { z } from 'zod';

/** The sections of the rendered spec, by id (src/spec/): what `spec.required` may name. */
export const SPEC_SECTIONS = ['overview', 'good', 'failures', 'safety', 'data', 'selection', 'status', 'deployment', 'changes'] as const;
export type SpecSectionId = (typeof SPEC_SECTIONS)[number];

export const specBlockSchema = z.strictObject({
  /** The feature the suite specifies, in the team's words. */
  feature: z.string().min(1).optional(),
  owner: z.string().min(1).optional(),
  user_story: z.string().min(1).optional(),
  /** A path or URL, shown as text or a link; never fetched. */
  wireframe: z.string().min(1).optional(),
  /** When to switch the feature off, in words. */
  kill_switch: z.array(z.string().min(1)).optional(),
  /** Sections whose gaps make `evalspec spec --check` fail. */
  required: z.array(z.enum(SPEC_SECTIONS)).optional(),
  notes: z.string().min(1).optional(),
});
export type SpecBlock = z.infer<typeof specBlockSchema>;
