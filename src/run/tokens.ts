// Token counts where a provider does not report them (replayed logs, pre-run estimates): the cl100k_base
// BPE tokenizer (js-tiktoken, ranks shipped in the package). Exact for GPT-4 / GPT-3.5 era models, an
// estimate for others; reports say so.
import { createRequire } from 'node:module';
import { Tiktoken } from 'js-tiktoken/lite';

// The ranks (2 MB of heap) load on first use: most runs never count tokens (providers report them).
type Ranks = ConstructorParameters<typeof Tiktoken>[0];
const loadRanks = (): Ranks => createRequire(import.meta.url)('js-tiktoken/ranks/cl100k_base') as Ranks;

let encoder: Tiktoken | undefined;

export const TOKENIZER_NAME = 'cl100k_base';

export function countTokens(text: string): number {
  encoder ??= new Tiktoken(loadRanks());
  return encoder.encode(text, [], []).length;
}

/** Chat messages as a model sees them: ~3 tokens of framing per message plus 3 for the reply (OpenAI's rule of thumb). */
export function countMessageTokens(messages: { role: string; content: string }[]): number {
  return messages.reduce((n, m) => n + 3 + countTokens(m.content), 3);
}
