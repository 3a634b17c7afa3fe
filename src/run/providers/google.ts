// Google Gemini: the Generative Language API (generateContent).
import { createGoogleGenerativeAI } from '@ai-sdk/google';
import type { NetworkProviderDefinition } from './definition.js';

export const google: NetworkProviderDefinition = {
  kind: 'network',
  apiKeyEnv: 'GOOGLE_GENERATIVE_AI_API_KEY',
  languageModel: (modelId, { apiKey, baseURL, headers, fetch }) => createGoogleGenerativeAI({ apiKey, baseURL, headers, fetch })(modelId),
};
