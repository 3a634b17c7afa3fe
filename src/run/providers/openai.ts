// OpenAI: Chat Completions by default, the Responses API with providers.<id>.api: responses.
import { createOpenAI } from '@ai-sdk/openai';
import type { NetworkProviderDefinition } from './definition.js';

export const openai: NetworkProviderDefinition = {
  kind: 'network',
  apiKeyEnv: 'OPENAI_API_KEY',
  languageModel(modelId, { apiKey, baseURL, headers, api, fetch }) {
    const provider = createOpenAI({ apiKey, baseURL, headers, fetch });
    return api === 'responses' ? provider.responses(modelId) : provider.chat(modelId);
  },
};
