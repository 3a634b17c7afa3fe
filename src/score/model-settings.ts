// Generation params, price overrides and the object form of a model entry as the suite writes them: the same
// shapes for suite models and judge models. They live in score/ because judge models are part of the judge check definitions here, and suite/
// imports score/ (never the reverse: docs/architecture.md, "Stages and what they may import").
import { z } from 'zod';

/** Generation parameters: part of the cache key, because they change the output. */
export const paramsSchema = z.strictObject({
  temperature: z.number().min(0).max(2).optional(),
  max_tokens: z.number().int().positive().optional(),
  top_p: z.number().min(0).max(1).optional(),
  seed: z.number().int().optional(),
  stop: z.array(z.string()).optional(),
});
export type GenerationParams = z.infer<typeof paramsSchema>;

/** Per-model price override in USD per million tokens (wins over the price database). */
export const priceSchema = z.strictObject({
  input_per_mtok: z.number().nonnegative(),
  output_per_mtok: z.number().nonnegative(),
  cached_input_per_mtok: z.number().nonnegative().optional(),
});
export type PriceOverride = z.infer<typeof priceSchema>;

/** Price a model's tokens as another model's list price, e.g. a replayed log of "openai:gpt-4". */
export const priceAsSchema = z.string().regex(/^[\w-]+:.+$/, 'write provider:model, e.g. openai:gpt-4o');

/**
 * A model entry written as an object: its id, a label, params, a price or price_as. Suite models and judge
 * models differ only in how the id and the label are checked (a judge model must be "provider:model").
 */
export function modelEntryObjectSchema<Id extends z.ZodType<string>, Label extends z.ZodType<string>>(id: Id, label: Label) {
  return z.strictObject({
    id,
    label: label.optional(),
    params: paramsSchema.optional(),
    price: priceSchema.optional(),
    price_as: priceAsSchema.optional(),
  });
}
