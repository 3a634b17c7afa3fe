// Public types of the fake provider. Re-exported from server.ts; import them from there.

/** A tool call as the fake provider normalises it from any wire (args parsed from JSON text when the wire sends text). */
export interface FakeToolCall {
  id: string;
  name: string;
  args: unknown;
}

export interface FakeMessage {
  role: string;
  /** The text; a tool result's content as text (JSON text when the wire sent an object). */
  content: string;
  /** An assistant message that called tools: its calls, in order. */
  toolCalls?: FakeToolCall[];
  /** A tool result ({role:'tool'}): the call it answers (google sends none unless the SDK sends functionResponse.id). */
  toolCallId?: string;
  /** A tool result: the tool's name when the wire says it (anthropic's tool_result does not). */
  name?: string;
}

/** A tool the request offers the model, normalised from each wire's `tools`. */
export interface FakeTool {
  name: string;
  description?: string;
  /** JSON Schema of the arguments (openai `parameters`, anthropic `input_schema`, google `parameters`). */
  parameters?: unknown;
}

export type WireName = 'openai' | 'openai-responses' | 'anthropic' | 'google';

export interface FakeRequest {
  wire: WireName;
  /** e.g. '/v1/chat/completions' */
  path: string;
  model: string;
  /**
   * Normalised: anthropic `system`, responses `instructions` and google `systemInstruction` become a leading
   * {role:'system'}; google's 'model' role becomes 'assistant'; content parts joined to text.
   */
  messages: FakeMessage[];
  /** The tools offered ([] when none). */
  tools: FakeTool[];
  /** The parsed JSON body as received (the raw text when it was not valid JSON). */
  body: any;
  /** 1-based: how many times this exact (wire, model, messages) has been requested so far, including this one. */
  attempt: number;
  /** Raw header value of Authorization (openai) / x-api-key (anthropic) / x-goog-api-key (google). */
  authorization?: string;
  stream: boolean;
  /**
   * HTTP status the request was answered with; set once the response head is sent.
   * 0 = no HTTP response at all (a `reset` fault, or the client went away first).
   */
  status?: number;
  /** The fault applied to this request, if any (from `fault` or `faultRates`). */
  fault?: Fault['kind'];
  /** Refused with a 429 by the `rateLimit` token bucket. */
  rateLimited?: boolean;
}

export type Fault =
  /** 429 with Retry-After header (seconds) and the provider's real JSON error body. */
  | { kind: '429'; retryAfterS?: number }
  | { kind: '500' }
  | { kind: '503' }
  | { kind: '400'; message?: string }
  /** Destroy the socket without answering. */
  | { kind: 'reset' }
  /** Wait ms before answering normally (so a client timeout fires). */
  | { kind: 'slow'; ms: number }
  /** 200 with a body that is not valid JSON. */
  | { kind: 'malformed' }
  /**
   * Answer normally, then cut the connection after `afterChunks` writes of the body (a streamed answer's SSE events:
   * the stream breaks mid-answer; a JSON answer is one write, so 0 cuts it before its body).
   */
  | { kind: 'break'; afterChunks: number };

export interface FakeAnswer {
  /** May be '' when the answer is only tool calls. */
  text: string;
  /**
   * Tool calls the model makes in this step (several = parallel calls). Ids: given, else generated
   * deterministically from the response id (`call_<id>_<i>` / `toolu_<id>_<i>`). finishReason defaults to the
   * wire's tool-call reason.
   */
  toolCalls?: { id?: string; name: string; args: unknown }[];
  inputTokens?: number;
  outputTokens?: number;
  /** Either wire's vocabulary; mapped across (stop<->end_turn, length<->max_tokens, tool_calls<->tool_use). */
  finishReason?: string;
}

export interface FaultRates {
  rate429?: number;
  /** Retry-After seconds on random 429s (default 1). */
  retryAfterS?: number;
  rate500?: number;
  rateReset?: number;
  rateMalformed?: number;
  seed?: number;
}

export interface FakeProviderOptions {
  /** Decide the answer. Default: deterministic echo: `echo: ` + the last 6 words of the last user message. */
  answer?: (req: FakeRequest) => string | FakeAnswer | Promise<string | FakeAnswer>;
  /** Per-request fault decision; undefined = answer normally (or fall through to faultRates). Called before answering. */
  fault?: (req: FakeRequest) => Fault | undefined | Promise<Fault | undefined>;
  /** Random fault rates drawn deterministically from hash(seed, model, messages, attempt). Sum must be <= 1. */
  faultRates?: FaultRates;
  /** Fixed latency added to every answer, ms (not to 400/401/429 rejections, which are immediate). */
  latencyMs?: number;
  /**
   * A streamed answer's pace: ms between its SSE events (the first is sent at once), so a client sees its first text
   * well before the answer ends (time to first token < latency). Default 0: the events are written at once.
   */
  chunkDelayMs?: number;
  /** When set, requests whose key (Bearer token for openai, x-api-key for anthropic, x-goog-api-key for google) differs get 401 (google: 400 API_KEY_INVALID). */
  apiKey?: string;
  /** Model ids listed by GET /v1/models. Default ['fake-model']. */
  models?: string[];
  /** Default 0 = random free port; always binds 127.0.0.1. */
  port?: number;
  /** A real rate limit per model (token buckets, the wire's rate-limit headers on every answer): rate-limit.ts. */
  rateLimit?: import('./rate-limit.js').FakeRateLimit;
}

export interface FakeProviderStats {
  total: number;
  byStatus: Record<string, number>;
  maxInFlight: number;
}

export interface FakeProvider {
  /** http://127.0.0.1:PORT */
  url: string;
  /** `${url}/v1` (what @ai-sdk/openai's createOpenAI({baseURL}) takes) */
  openaiBaseURL: string;
  /** `${url}/v1` (what @ai-sdk/anthropic's createAnthropic({baseURL}) takes) */
  anthropicBaseURL: string;
  /** `${url}/v1beta` (what @ai-sdk/google's createGoogleGenerativeAI({baseURL}) takes) */
  googleBaseURL: string;
  /** Every LLM request received, in order; `status` is filled in once answered. */
  requests: FakeRequest[];
  stats(): FakeProviderStats;
  /** Clear requests, attempt counters and stats. */
  reset(): void;
  close(): Promise<void>;
}

/** What the server hands a wire module to render a successful answer. */
export interface ResolvedAnswer {
  text: string;
  /** Ids resolved; [] when the answer calls no tool. */
  toolCalls: FakeToolCall[];
  inputTokens: number;
  outputTokens: number;
  finishReason?: string;
}

export type ErrorKind = 'invalid_request' | 'authentication' | 'rate_limit' | 'server' | 'unavailable' | 'not_found';

export interface WireError {
  status: number;
  body: unknown;
}

export interface ParsedBody {
  model: string;
  messages: FakeMessage[];
  tools?: FakeTool[];
  stream: boolean;
  /** Set when the body is not a valid request for this wire (answered 400 with this message). */
  invalid?: string;
}

export interface ErrorInfo {
  message?: string;
  model?: string;
  key?: string;
  retryAfterS?: number;
  route?: string;
}

/** One provider's wire protocol, as the server drives it. */
export interface Wire {
  name: WireName;
  /** The 429's delay is only in the error body (Gemini's RetryInfo), never in a Retry-After header. */
  retryDelayInBodyOnly?: boolean;
  /** path: the request's path (google names the model there). */
  parse(body: unknown, path: string): ParsedBody;
  /** raw: the header value to record; key: the secret to compare with options.apiKey. */
  credentials(headers: import('node:http').IncomingHttpHeaders): { raw?: string; key?: string };
  error(kind: ErrorKind, info?: ErrorInfo): WireError;
  /** stream: the request asked for a streamed answer (google says so in the path, the others in the body). */
  sendAnswer(res: import('node:http').ServerResponse, body: any, model: string, ans: ResolvedAnswer, id: string, stream: boolean): void;
  malformed(stream: boolean): { contentType: string; text: string };
  models(ids: string[]): unknown;
}
