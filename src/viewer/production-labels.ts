// Human labels on production records (#15 item 5): the production record page's label buttons and the Monitor page's
// review queue write and read them; `evalspec calibrate --monitor` compares the monitor's judges with them. The
// routes sit behind the /api/* guard of server.ts, so a write obeys the run labels' CSRF and origin rules, and the
// labeller is the signed-in token's name when there is one (else the name the browser sends, else the default), as
// for run labels.
import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ProductionLabel, Store } from '../store/index.js';
import type { ViewerEnv } from './auth-routes.js';
import { BadRequest, NotFound } from './data.js';
import type { MonitoredSuite } from './monitor-data.js';
import type { ProductionLabelsResponse, ReviewQueueResponse } from './monitor-types.js';
import { DEFAULT_ERROR_TAGS } from './types.js';

const MAX_QUEUE = 500;

export interface ProductionLabelRouteOptions {
  store: Store;
  suites: MonitoredSuite[];
  /** Runs a handler with the viewer's error mapping (server.ts `handle`). */
  handle: (fn: (c: Context<ViewerEnv>) => Promise<unknown>) => (c: Context<ViewerEnv>) => Promise<Response>;
  /** Who labels: the signed-in name, else `asked` (what the browser sent), else the viewer's default. */
  labellerOf: (c: Context<ViewerEnv>, asked: unknown) => string;
  now?: () => Date;
}

/** The suite's `error_tags` (as the run review page reads them from the stored config), else the default list. */
function errorTagsOf(suite: MonitoredSuite | undefined): { errorTags: string[]; errorTagsFromSuite: boolean } {
  const tags = (suite?.storedConfig as { error_tags?: unknown } | undefined)?.error_tags;
  const fromSuite = Array.isArray(tags) && tags.length > 0 && tags.every((t) => typeof t === 'string');
  return { errorTags: fromSuite ? (tags as string[]) : DEFAULT_ERROR_TAGS, errorTagsFromSuite: fromSuite };
}

function parseBody(body: unknown, allowedTags: string[]): Pick<ProductionLabel, 'verdict' | 'errorTags' | 'note'> & { labeller: unknown } {
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw new BadRequest('send a JSON object: {"verdict": "pass" | "fail", "errorTags": [...], "note": "..."}');
  const b = body as Record<string, unknown>;
  if (b.verdict !== 'pass' && b.verdict !== 'fail') throw new BadRequest('verdict must be "pass" or "fail" (DELETE removes a label)');
  const errorTags = b.errorTags ?? [];
  if (!Array.isArray(errorTags) || !errorTags.every((t) => typeof t === 'string')) throw new BadRequest('errorTags must be a list of strings');
  const unknown = errorTags.filter((t) => !allowedTags.includes(t));
  if (unknown.length > 0) throw new BadRequest(`error tag ${JSON.stringify(unknown[0])} is not one of the suite's error_tags (${allowedTags.join(', ')})`);
  if (b.note !== undefined && b.note !== null && typeof b.note !== 'string') throw new BadRequest('note must be a string');
  const note = typeof b.note === 'string' && b.note.trim() !== '' ? b.note : null;
  if (note !== null && note.length > 10_000) throw new BadRequest('note is longer than 10000 characters');
  if (b.labeller !== undefined && b.labeller !== null && (typeof b.labeller !== 'string' || b.labeller.length > 100))
    throw new BadRequest('labeller must be a string of at most 100 characters');
  return { verdict: b.verdict, errorTags: [...new Set(errorTags as string[])], note, labeller: b.labeller };
}

export function installProductionLabelRoutes(app: Hono<ViewerEnv>, options: ProductionLabelRouteOptions): void {
  const { store, handle, labellerOf } = options;
  const suites = new Map(options.suites.map((s) => [s.name, s]));
  const now = options.now ?? (() => new Date());
  const recordOf = async (id: string) => {
    const record = await store.production.get(id);
    if (!record) throw new NotFound(`no production record ${id}`);
    return record;
  };

  app.get(
    '/api/production/records/:id/labels',
    handle(async (c): Promise<ProductionLabelsResponse> => {
      const record = await recordOf(c.req.param('id')!);
      const labels = await store.production.labels.list({ suite: record.suite, recordId: record.id });
      return { labels, labeller: labellerOf(c, c.req.query('labeller')), ...errorTagsOf(suites.get(record.suite)) };
    }),
  );
  app.post(
    '/api/production/records/:id/labels',
    bodyLimit({ maxSize: 64 * 1024, onError: (c) => c.json({ error: 'body too large' }, 413) }),
    handle(async (c) => {
      if (!(c.req.header('content-type') ?? '').startsWith('application/json')) throw new BadRequest('send Content-Type: application/json');
      const body: unknown = await c.req.json().catch(() => {
        throw new BadRequest('invalid JSON');
      });
      const record = await recordOf(c.req.param('id')!);
      const input = parseBody(body, errorTagsOf(suites.get(record.suite)).errorTags);
      const label = {
        recordId: record.id,
        labeller: labellerOf(c, input.labeller),
        verdict: input.verdict,
        errorTags: input.errorTags,
        note: input.note,
        createdAt: now().toISOString(),
      };
      await store.production.labels.put(label);
      return { label: { ...label, suite: record.suite } satisfies ProductionLabel };
    }),
  );
  app.delete(
    '/api/production/records/:id/labels',
    handle(async (c) => {
      const record = await recordOf(c.req.param('id')!);
      await store.production.labels.delete(record.id, labellerOf(c, c.req.query('labeller')));
      return { deleted: true };
    }),
  );
  app.get(
    '/api/monitor/:suite/:monitor/review',
    handle(async (c): Promise<ReviewQueueResponse> => {
      const suite = c.req.param('suite')!;
      const monitor = c.req.param('monitor')!;
      const q = c.req.query();
      const limit = q.limit ? Number(q.limit) : 200;
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_QUEUE) throw new BadRequest(`limit must be a whole number 1–${MAX_QUEUE}`);
      const labeller = labellerOf(c, q.labeller);
      // Unlabelled by you: several people can label the same records (their agreement is calibrate's ceiling).
      return { items: await store.production.labels.reviewQueue({ suite, monitor, labeller, limit }), labeller };
    }),
  );
}
