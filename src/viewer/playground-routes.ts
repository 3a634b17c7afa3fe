// The playground's routes (issue #20), installed by server.ts only when `view --playground` hands it a
// PlaygroundService: the API shapes are playground-types.ts. They sit behind the /api/* guard (a POST needs the
// x-evalspec-request header and a same-site origin, as label writes; with --host, sign-in), and a session is the
// signed-in token's hash ("local" on loopback), which the spend cap counts per. Trials and full runs answer NDJSON
// (one event per line) as they go, and stop when the client goes away. A request refused before its first event
// (bad input, an unknown run, the cap, a session already busy) answers a JSON error with a status instead.
import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { isEvalspecError } from '../errors.js';
import type { ViewerEnv } from './auth-routes.js';
import { BadRequest } from './data.js';
import type {
  FullRunRequest,
  PlaygroundMessage,
  PlaygroundParams,
  PlaygroundService,
  SavePromptRequest,
  SliceKind,
  SliceQuery,
  TrialRequest,
} from './playground-types.js';

export const LOCAL_SESSION = 'local';
const MAX_MESSAGE_CHARS = 100_000;
const MAX_CASE_IDS = 10_000;
const SLICE_KINDS: SliceKind[] = ['failed', 'tag', 'search', 'sample', 'all'];

/** Statuses of a refusal: by the event's or the error's code. */
const STATUS: Record<string, 400 | 402 | 404 | 409 | 503> = {
  RUN_NOT_FOUND: 404,
  SPEND_CAP: 402,
  BUSY: 409,
  STORE: 503,
  RUN_LOCKED: 409,
};

const string = (value: unknown, name: string, max = 500): string => {
  if (typeof value !== 'string' || value === '') throw new BadRequest(`${name} must be a non-empty string`);
  if (value.length > max) throw new BadRequest(`${name} is longer than ${max} characters`);
  return value;
};

function messages(value: unknown): PlaygroundMessage[] {
  if (!Array.isArray(value) || value.length === 0) throw new BadRequest('messages must be a non-empty list of {role, content}');
  return value.map((m, i) => {
    if (!m || typeof m !== 'object') throw new BadRequest(`messages[${i}] must be {role, content}`);
    const { role, content } = m as Record<string, unknown>;
    if (role !== 'system' && role !== 'user' && role !== 'assistant') throw new BadRequest(`messages[${i}].role must be system, user or assistant`);
    if (typeof content !== 'string') throw new BadRequest(`messages[${i}].content must be a string`);
    if (content.length > MAX_MESSAGE_CHARS) throw new BadRequest(`messages[${i}].content is longer than ${MAX_MESSAGE_CHARS} characters`);
    return { role, content };
  });
}

function params(value: unknown): PlaygroundParams | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw new BadRequest('params must be an object');
  const out: PlaygroundParams = {};
  const limits: Record<keyof PlaygroundParams, [number, number, boolean]> = {
    temperature: [0, 2, false],
    max_tokens: [1, 1_000_000, true],
    top_p: [0, 1, false],
    seed: [-(2 ** 31), 2 ** 31 - 1, true],
  };
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const limit = limits[key as keyof PlaygroundParams];
    if (!limit) throw new BadRequest(`params.${key} is not a parameter the playground sets (${Object.keys(limits).join(', ')})`);
    if (v === undefined || v === null) continue;
    const [low, high, whole] = limit;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < low || v > high || (whole && !Number.isInteger(v))) {
      throw new BadRequest(`params.${key} must be a ${whole ? 'whole ' : ''}number ${low}–${high}`);
    }
    out[key as keyof PlaygroundParams] = v;
  }
  return out;
}

export function parseTrialRequest(body: unknown): TrialRequest {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new BadRequest('send a JSON object (TrialRequest)');
  const b = body as Record<string, unknown>;
  if (!Array.isArray(b.caseIds) || b.caseIds.length > MAX_CASE_IDS) throw new BadRequest(`caseIds must be a list of at most ${MAX_CASE_IDS} case ids`);
  const request: TrialRequest = {
    runId: string(b.runId, 'runId'),
    variantId: string(b.variantId, 'variantId'),
    caseIds: b.caseIds.map((id, i) => string(id, `caseIds[${i}]`)),
    model: string(b.model, 'model'),
  };
  if ((b.messages === undefined || b.messages === null) === (b.promptId === undefined || b.promptId === null)) {
    throw new BadRequest('give exactly one of messages (the edited prompt) and promptId (a prompt of the suite)');
  }
  if (b.messages !== undefined && b.messages !== null) request.messages = messages(b.messages);
  else request.promptId = string(b.promptId, 'promptId');
  const p = params(b.params);
  if (p) request.params = p;
  return request;
}

function sliceQuery(q: Record<string, string>): SliceQuery {
  const kind = (q.kind || 'all') as SliceKind;
  if (!SLICE_KINDS.includes(kind)) throw new BadRequest(`kind must be one of ${SLICE_KINDS.join(', ')}`);
  const whole = (value: string | undefined, name: string): number | undefined => {
    if (value === undefined || value === '') return undefined;
    const n = Number(value);
    if (!Number.isInteger(n)) throw new BadRequest(`${name} must be a whole number`);
    return n;
  };
  return { variant: string(q.variant, 'variant'), kind, value: q.value || undefined, n: whole(q.n, 'n'), seed: whole(q.seed, 'seed') };
}

async function jsonBody(c: Context<ViewerEnv>): Promise<unknown> {
  if (!(c.req.header('content-type') ?? '').startsWith('application/json')) throw new BadRequest('send Content-Type: application/json');
  return c.req.json().catch(() => {
    throw new BadRequest('invalid JSON');
  });
}

/** A refusal in JSON: `error`, the fix, and the code (402 the spend cap, 409 busy, 404 an unknown run, else 400). */
function refusal(c: Context<ViewerEnv>, code: string, message: string, hint: string | null) {
  return c.json({ error: message, code, fix: hint }, STATUS[code] ?? 400);
}

/**
 * Run `work` and answer its events as NDJSON from the first one on; when it fails or refuses (an `error` event)
 * before any other event, answer that as a JSON refusal instead. The work stops when the client goes away.
 */
function ndjson<E extends { type: string }>(c: Context<ViewerEnv>, work: (emit: (event: E) => void, signal: AbortSignal) => Promise<void>): Promise<Response> {
  const abort = new AbortController();
  c.req.raw.signal?.addEventListener('abort', () => abort.abort(), { once: true });
  const encoder = new TextEncoder();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let open = true;
  const stream = new ReadableStream<Uint8Array>({
    start: (ctrl) => {
      controller = ctrl;
    },
    cancel: () => {
      open = false;
      abort.abort();
    },
  });
  const write = (event: E) => {
    if (open) controller.enqueue(encoder.encode(`${JSON.stringify(event)}\n`));
  };
  const close = () => {
    if (open) controller.close();
    open = false;
  };
  return new Promise<Response>((resolve, reject) => {
    let answered = false;
    const answer = () => {
      answered = true;
      resolve(c.body(stream, 200, { 'Content-Type': 'application/x-ndjson; charset=utf-8', 'Cache-Control': 'no-store' }));
    };
    const emit = (event: E) => {
      if (!answered) {
        if (event.type === 'error') {
          const e = event as unknown as { code: string; message: string; hint: string | null };
          answered = true;
          open = false;
          resolve(refusal(c, e.code, e.message, e.hint));
          return;
        }
        answer();
      }
      write(event);
    };
    work(emit, abort.signal).then(
      () => {
        if (!answered) answer();
        close();
      },
      (error: unknown) => {
        if (!answered) {
          answered = true;
          open = false;
          reject(error);
          return;
        }
        const e = isEvalspecError(error) ? error : null;
        write({
          type: 'error',
          code: e?.code ?? 'INTERNAL',
          message: e?.message ?? 'the playground failed; see the viewer terminal',
          hint: e?.hint ?? null,
        } as unknown as E);
        if (!e) console.error(error);
        close();
      },
    );
  });
}

export interface PlaygroundRouteOptions {
  /** null: the playground is off (`view` without --playground): every playground path answers 404. */
  service: PlaygroundService | null;
}

export function installPlaygroundRoutes(app: Hono<ViewerEnv>, options: PlaygroundRouteOptions): void {
  const { service } = options;
  if (!service) {
    const off = (c: Context<ViewerEnv>) => c.json({ error: 'the playground is off: start the viewer with `evalspec view --playground`' }, 404);
    app.all('/api/playground', off);
    app.all('/api/playground/*', off);
    return;
  }
  const session = (c: Context<ViewerEnv>): string => c.get('user')?.session ?? LOCAL_SESSION;
  const body = (maxSize: number) => bodyLimit({ maxSize, onError: (c) => c.json({ error: 'body too large' }, 413) });
  /** The service's errors: bad input 400, an unknown run 404, the store 503 (with the fix). */
  const handle = (fn: (c: Context<ViewerEnv>) => Promise<unknown>) => async (c: Context<ViewerEnv>) => {
    try {
      const answer = await fn(c);
      return answer instanceof Response ? answer : c.json(answer);
    } catch (error) {
      if (error instanceof BadRequest) return c.json({ error: error.message }, 400);
      if (isEvalspecError(error)) return refusal(c, error.code, error.message, error.hint ?? null);
      throw error;
    }
  };
  const streamed = <R, E extends { type: string }>(
    parse: (body: unknown) => R,
    run: (session: string, request: R, emit: (event: E) => void, signal: AbortSignal) => Promise<void>,
  ) =>
    handle(async (c) => {
      const request = parse(await jsonBody(c));
      return ndjson<E>(c, (emit, signal) => run(session(c), request, emit, signal));
    });

  app.get(
    '/api/playground',
    handle(async (c) => service.info(session(c))),
  );
  app.get(
    '/api/playground/runs/:id',
    handle(async (c) => service.runInfo(c.req.param('id')!)),
  );
  app.get(
    '/api/playground/runs/:id/slice',
    handle(async (c) => service.slice(c.req.param('id')!, sliceQuery(c.req.query()))),
  );
  app.post(
    '/api/playground/estimate',
    body(512 * 1024),
    handle(async (c) => service.estimate(session(c), parseTrialRequest(await jsonBody(c)))),
  );
  app.post('/api/playground/trials', body(512 * 1024), streamed(parseTrialRequest, service.trial.bind(service)));
  app.post(
    '/api/playground/prompts',
    body(512 * 1024),
    handle(async (c) => {
      const b = (await jsonBody(c)) as Record<string, unknown> | null;
      if (!b || typeof b !== 'object') throw new BadRequest('send a JSON object (SavePromptRequest)');
      const request: SavePromptRequest = { runId: string(b.runId, 'runId'), messages: messages(b.messages) };
      if (b.id !== undefined && b.id !== null && b.id !== '') request.id = string(b.id, 'id', 64);
      return service.savePrompt(request);
    }),
  );
  app.post(
    '/api/playground/full-runs',
    body(16 * 1024),
    streamed((b): FullRunRequest => {
      if (!b || typeof b !== 'object') throw new BadRequest('send a JSON object (FullRunRequest)');
      const r = b as Record<string, unknown>;
      return { runId: string(r.runId, 'runId'), model: string(r.model, 'model'), promptId: string(r.promptId, 'promptId') };
    }, service.fullRun.bind(service)),
  );
}
