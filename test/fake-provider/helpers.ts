// Shared helpers for the fake provider's own tests (not a test file itself).
import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { APICallError } from '@ai-sdk/provider';
import { startFakeProvider, type FakeProvider, type FakeProviderOptions } from './server.js';

// The SDK warns about the unknown model ids used here (claude-x); keep the output readable.
(globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;

export const KEY = 'sk-test-0123456789abcdef';
const started: FakeProvider[] = [];
export async function start(options: FakeProviderOptions = {}): Promise<FakeProvider> {
  const p = await startFakeProvider(options);
  started.push(p);
  return p;
}
/** Close every provider `start` opened; register with afterEach. */
export async function closeAll(): Promise<void> {
  await Promise.all(started.splice(0).map((p) => p.close()));
}

export const openai = (p: FakeProvider, apiKey = KEY) => createOpenAI({ baseURL: p.openaiBaseURL, apiKey }).chat('m1');
export const claude = (p: FakeProvider, apiKey = KEY) => createAnthropic({ baseURL: p.anthropicBaseURL, apiKey })('claude-x');

/** The error a call rejects with (fails the test if it resolves). */
export async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail');
}
export async function apiError(promise: Promise<unknown>): Promise<APICallError> {
  const err = await failure(promise);
  if (!APICallError.isInstance(err)) throw new Error(`expected APICallError, got ${String(err)}`);
  return err;
}

export const post = (p: FakeProvider, path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${p.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
export const chatBody = (content: string, model = 'm1') => ({ model, messages: [{ role: 'user', content }] });
