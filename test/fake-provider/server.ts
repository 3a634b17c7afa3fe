// Loopback fake LLM provider for evalspec's tests: speaks the real OpenAI Chat Completions, OpenAI Responses,
// Anthropic Messages and Google Gemini wire protocols over real HTTP on 127.0.0.1, with deterministic answers
// and injectable faults. Tool calls on every wire: an answer's `toolCalls` are rendered in the wire's shape
// (tool_calls / function_call items / tool_use blocks / functionCall parts, finish reason the wire's tool-call
// reason), and each request's tool calls, tool results and offered tools are normalised into FakeRequest
// (messages[].toolCalls, {role:'tool', toolCallId, name?}, tools). test/helpers/agent-script.ts scripts a loop.
//
//   POST /v1/chat/completions   OpenAI Chat Completions (JSON, or SSE when stream:true)
//   POST /v1/responses          OpenAI Responses (JSON, or SSE response.* events when stream:true)
//   POST /v1/messages           Anthropic Messages (JSON, or SSE events when stream:true)
//   POST /v1beta/models/{model}:generateContent   Google Gemini (JSON; :streamGenerateContent?alt=sse streams)
//   GET  /v1/models             model list (OpenAI shape; Anthropic shape when anthropic-version is sent)
//   GET  /v1beta/models         model list (Google shape)
//   GET  /health                {ok:true}
// Models `redteam-vulnerable`, `redteam-guarded` and `redteam-prompted` answer as red-team targets (redteam-models.ts).
//
// Order of checks for an LLM request: 401 (apiKey) -> 400 (bad JSON / not a valid request) -> fault
// (options.fault, else options.faultRates) -> answer. 400/401/429 are answered at once; latencyMs applies
// to everything else (500, 503, reset, malformed, slow and normal answers).
import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { anthropicWire } from './anthropic-wire.js';
import { checkRates, drawFault } from './faults.js';
import { GOOGLE_ROUTE, googleWire } from './google-wire.js';
import { openaiResponsesWire } from './openai-responses-wire.js';
import { openaiWire } from './openai-wire.js';
import type { Fault, FakeAnswer, FakeProvider, FakeProviderOptions, FakeProviderStats, FakeRequest, ResolvedAnswer, Wire, WireError } from './types.js';
import { fnv, sendJson, words } from './util.js';
import { RateLimiter } from './rate-limit.js';
import { REDTEAM_MODELS } from './redteam-models.js';

export type {
  Fault,
  FakeAnswer,
  FakeMessage,
  FakeProvider,
  FakeProviderOptions,
  FakeProviderStats,
  FakeRequest,
  FakeTool,
  FakeToolCall,
  FaultRates,
} from './types.js';

const LLM_ROUTES: Record<string, Wire> = { '/v1/chat/completions': openaiWire, '/v1/responses': openaiResponsesWire, '/v1/messages': anthropicWire };
const llmWire = (path: string): Wire | undefined => LLM_ROUTES[path] ?? (GOOGLE_ROUTE.test(path) ? googleWire : undefined);

/** The default answer: `echo: ` + the last 6 words of the last user message. */
export function echoAnswer(req: Pick<FakeRequest, 'messages'>): string {
  const lastUser = [...req.messages].reverse().find((m) => m.role === 'user') ?? req.messages.at(-1);
  return `echo: ${words(lastUser?.content ?? '')
    .slice(-6)
    .join(' ')}`;
}

interface Generation {
  total: number;
  byStatus: Record<string, number>;
  inFlight: number;
  maxInFlight: number;
}
const newGeneration = (): Generation => ({ total: 0, byStatus: {}, inFlight: 0, maxInFlight: 0 });

/** Which wire's error format to use for a request that is not on an LLM route. */
const guessWire = (req: IncomingMessage, path: string): Wire =>
  path.startsWith('/v1beta') || req.headers['x-goog-api-key'] !== undefined
    ? googleWire
    : req.headers['anthropic-version'] !== undefined || req.headers['x-api-key'] !== undefined
      ? anthropicWire
      : openaiWire;

/** The input tokens the provider reports (and charges under a rate limit) by default: the messages' words. */
const promptTokens = (fr: FakeRequest): number =>
  Math.max(
    1,
    fr.messages.reduce((n, m) => n + words(m.content).length + (m.toolCalls ? words(JSON.stringify(m.toolCalls.map((c) => c.args))).length : 0), 0),
  );

export async function startFakeProvider(options: FakeProviderOptions = {}): Promise<FakeProvider> {
  checkRates(options.faultRates);
  const requests: FakeRequest[] = [];
  const attempts = new Map<string, number>();
  let gen = newGeneration();
  let closing = false;
  let closePromise: Promise<void> | undefined;
  let idCounter = 0;
  const sleeping = new Set<{ timer: NodeJS.Timeout; wake: () => void }>();
  const limiter = options.rateLimit ? new RateLimiter(options.rateLimit) : undefined;

  /** Wait ms; cut short by close(), or when `res` closes (the client went away). */
  const sleep = (ms: number, res: ServerResponse): Promise<void> => {
    if (!(ms > 0) || closing || res.destroyed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const entry = {
        timer: setTimeout(() => entry.wake(), ms),
        wake: () => {
          clearTimeout(entry.timer);
          sleeping.delete(entry);
          res.off('close', entry.wake);
          resolve();
        },
      };
      sleeping.add(entry);
      res.once('close', entry.wake);
    });
  };

  /**
   * Holds the wire's writes of an answer and sends them `delayMs` apart (the first at once), cutting the connection
   * after `cutAfter` writes when set (a stream broken mid-answer). The wires write synchronously; this paces them.
   */
  const pace = (res: ServerResponse, delayMs: number, cutAfter: number | undefined): void => {
    const queue: unknown[] = [];
    const write = res.write.bind(res) as (chunk: unknown) => boolean;
    const end = res.end.bind(res) as (chunk?: unknown) => ServerResponse;
    const flush = async () => {
      for (let i = 0; i < queue.length; i++) {
        if (i === cutAfter || res.destroyed) return void res.socket?.destroy();
        if (i > 0) await sleep(delayMs, res);
        write(queue[i]);
      }
      if (cutAfter !== undefined && cutAfter >= queue.length) return void res.socket?.destroy();
      end();
    };
    (res as { write: unknown }).write = (chunk: unknown) => (queue.push(chunk), true);
    (res as { end: unknown }).end = (chunk?: unknown) => {
      if (chunk !== undefined) queue.push(chunk);
      void flush();
      return res;
    };
  };

  const authorized = (wire: Wire, req: IncomingMessage): { ok: boolean; raw?: string; key?: string } => {
    const cred = wire.credentials(req.headers);
    return { ...cred, ok: options.apiKey === undefined || cred.key === options.apiKey };
  };

  async function handleLLM(wire: Wire, path: string, req: IncomingMessage, res: ServerResponse, raw: string, g: Generation): Promise<void> {
    let body: unknown;
    let badJson = false;
    try {
      body = JSON.parse(raw);
    } catch {
      body = raw;
      badJson = true;
    }
    const parsed = badJson
      ? {
          model: '',
          messages: [],
          stream: false,
          invalid: `We could not parse the JSON body of your request: ${raw.length === 0 ? 'empty body' : 'invalid JSON'}`,
        }
      : wire.parse(body, path);
    const cred = authorized(wire, req);
    const attemptKey = `${wire.name}\u0000${parsed.model}\u0000${JSON.stringify(parsed.messages)}`;
    const attempt = (attempts.get(attemptKey) ?? 0) + 1;
    attempts.set(attemptKey, attempt);
    const fr: FakeRequest = {
      wire: wire.name,
      path,
      model: parsed.model,
      messages: parsed.messages,
      tools: parsed.tools ?? [],
      body,
      attempt,
      authorization: cred.raw,
      stream: parsed.stream,
    };
    requests.push(fr);
    g.total++;

    const answered = (status: number) => {
      fr.status = status;
      g.byStatus[String(status)] = (g.byStatus[String(status)] ?? 0) + 1;
    };
    const sendError = (err: WireError, headers: Record<string, string> = {}) => {
      answered(err.status);
      sendJson(res, err.status, err.body, { 'x-request-id': `req_fake_${++idCounter}`, ...headers });
    };
    let clientGone = false;
    res.on('close', () => {
      if (!res.writableFinished) clientGone = true;
    });
    const gone = () => closing || clientGone || res.destroyed;

    if (!cred.ok) return sendError(wire.error('authentication', { key: cred.key }));
    if (parsed.invalid) return sendError(wire.error('invalid_request', { message: parsed.invalid }));
    if (limiter) {
      // A real limit (rate-limit.ts): over it, 429 with the wire's headers and retry-after; else the answer carries them.
      const admitted = limiter.admit(fr.model, promptTokens(fr));
      if (!admitted.ok) {
        fr.rateLimited = true;
        const retryAfterS = Math.ceil(admitted.waitMs / 1000);
        const headers: Record<string, string> = { ...limiter.headers(wire.name, fr.model), 'retry-after': String(retryAfterS) };
        if (wire.name !== 'anthropic') headers['retry-after-ms'] = String(admitted.waitMs);
        return sendError(wire.error('rate_limit', { model: fr.model, retryAfterS }), wire.retryDelayInBodyOnly ? {} : headers);
      }
    }

    let fault: Fault | undefined;
    try {
      fault = (await options.fault?.(fr)) ?? drawFault(options.faultRates, fr.model, fr.messages, attempt);
    } catch (err) {
      return sendError(wire.error('server', { message: `fake provider: fault callback threw: ${(err as Error)?.message ?? err}` }));
    }
    if (fault) fr.fault = fault.kind;
    if (fault?.kind === '429') {
      const retryAfterS = fault.retryAfterS ?? 1;
      return sendError(wire.error('rate_limit', { model: fr.model, retryAfterS }), wire.retryDelayInBodyOnly ? {} : { 'retry-after': String(retryAfterS) });
    }
    if (fault?.kind === '400') return sendError(wire.error('invalid_request', { message: fault.message }));

    await sleep(options.latencyMs ?? 0, res);
    if (fault?.kind === 'slow') await sleep(fault.ms, res);
    if (gone()) return answered(0);
    switch (fault?.kind) {
      case '500':
        return sendError(wire.error('server'));
      case '503':
        return sendError(wire.error('unavailable'));
      case 'reset':
        answered(0);
        req.socket.destroy();
        return;
      case 'malformed': {
        const m = wire.malformed(fr.stream);
        answered(200);
        res.writeHead(200, { 'content-type': m.contentType });
        res.end(m.text);
        return;
      }
    }

    let resolved: ResolvedAnswer;
    try {
      // The red-team models (redteam-models.ts) answer by their model id when no answer callback is given.
      const a: string | FakeAnswer = await (options.answer ?? REDTEAM_MODELS.get(fr.model) ?? echoAnswer)(fr);
      const ans: FakeAnswer = typeof a === 'string' ? { text: a } : a;
      if (typeof ans?.text !== 'string') throw new Error('answer must be a string or {text: string}');
      const calls = ans.toolCalls ?? [];
      if (!Array.isArray(calls) || calls.some((c) => typeof c?.name !== 'string' || !c.name))
        throw new Error('answer.toolCalls must be a list of {id?, name, args}');
      resolved = {
        text: ans.text,
        toolCalls: calls.map((c) => ({ id: c.id ?? '', name: c.name, args: c.args ?? {} })),
        inputTokens: ans.inputTokens ?? promptTokens(fr),
        outputTokens: ans.outputTokens ?? Math.max(1, words(ans.text).length + calls.reduce((n, c) => n + words(JSON.stringify(c.args ?? {})).length, 0)),
        finishReason: ans.finishReason,
      };
    } catch (err) {
      return sendError(wire.error('server', { message: `fake provider: answer callback threw: ${(err as Error)?.message ?? err}` }));
    }
    if (gone()) return answered(0);
    if (limiter) {
      limiter.charge(fr.model, resolved.outputTokens);
      for (const [name, value] of Object.entries(limiter.headers(wire.name, fr.model))) res.setHeader(name, value);
    }
    answered(200);
    const cutAfter = fault?.kind === 'break' ? fault.afterChunks : undefined;
    if ((fr.stream && (options.chunkDelayMs ?? 0) > 0) || cutAfter !== undefined) pace(res, fr.stream ? (options.chunkDelayMs ?? 0) : 0, cutAfter);
    const id = `${(++idCounter).toString(36)}${fnv(attemptKey).toString(36)}`;
    // Ids not given are derived from the response id: deterministic for a given request order, unique per server.
    resolved.toolCalls.forEach((c, i) => {
      if (!c.id) c.id = `${wire.name === 'anthropic' ? 'toolu' : 'call'}_${id}_${i}`;
    });
    wire.sendAnswer(res, body, fr.model, resolved, id, fr.stream);
  }

  function handleOther(path: string, req: IncomingMessage, res: ServerResponse): void {
    if (req.method === 'GET' && path === '/health') return sendJson(res, 200, { ok: true });
    const wire = guessWire(req, path);
    if (req.method === 'GET' && (path === '/v1/models' || path === '/v1beta/models')) {
      const cred = authorized(wire, req);
      if (!cred.ok) {
        const err = wire.error('authentication', { key: cred.key });
        return sendJson(res, err.status, err.body);
      }
      return sendJson(res, 200, wire.models(options.models ?? ['fake-model']));
    }
    const err = wire.error('not_found', { route: `${req.method} ${path}` });
    sendJson(res, err.status, err.body);
  }

  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname.replace(/\/+$/, '') || '/';
    const wire = req.method === 'POST' ? llmWire(path) : undefined;
    const g = gen;
    if (wire) {
      // in flight = request received, response not yet finished or aborted
      g.inFlight++;
      g.maxInFlight = Math.max(g.maxInFlight, g.inFlight);
      res.on('close', () => {
        g.inFlight--;
      });
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (!wire) return handleOther(path, req, res);
      handleLLM(wire, path, req, res, Buffer.concat(chunks).toString('utf8'), g).catch((err: unknown) => {
        if (!res.headersSent && !res.destroyed) {
          const e = wire.error('server', { message: `fake provider bug: ${(err as Error)?.message ?? err}` });
          sendJson(res, e.status, e.body);
        } else res.destroy();
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    openaiBaseURL: `${url}/v1`,
    anthropicBaseURL: `${url}/v1`,
    googleBaseURL: `${url}/v1beta`,
    requests,
    stats(): FakeProviderStats {
      return { total: gen.total, byStatus: { ...gen.byStatus }, maxInFlight: gen.maxInFlight };
    },
    reset(): void {
      requests.length = 0; // keep the array identity: callers may hold `provider.requests`
      attempts.clear();
      gen = newGeneration();
    },
    close(): Promise<void> {
      if (!closePromise) {
        closing = true;
        for (const s of [...sleeping]) s.wake();
        closePromise = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
      }
      return closePromise;
    },
  };
}
