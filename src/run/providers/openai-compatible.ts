// Any server speaking OpenAI's Chat Completions (Ollama, vLLM, llama.cpp, gateways). It has no default
// endpoint (suite/provider-types.ts requires a baseURL) and often needs no key, so none is read by default.
// Its model ids are the server's own, so they are not looked up in the price database (price or price_as do).
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { NetworkProviderDefinition } from './definition.js';

export const openaiCompatible: NetworkProviderDefinition = {
  kind: 'network',
  // The AI SDK sends such a server `response_format: json_object` only, without the schema.
  judgeSchemaInPrompt: true,
  languageModel: (modelId, { id, apiKey, baseURL, headers, fetch }) =>
    createOpenAICompatible({ name: id, apiKey, baseURL: baseURL!, headers, includeUsage: true, fetch }).chatModel(modelId),
};
