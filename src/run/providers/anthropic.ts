// Anthropic: the Messages API.
import { createAnthropic } from '@ai-sdk/anthropic';
import type { NetworkProviderDefinition } from './definition.js';

export const anthropic: NetworkProviderDefinition = {
  kind: 'network',
  apiKeyEnv: 'ANTHROPIC_API_KEY',
  languageModel: (modelId, { apiKey, baseURL, headers, fetch }) => createAnthropic({ apiKey, baseURL, headers, fetch })(modelId),
};
