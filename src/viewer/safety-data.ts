// The Safety page's API (issue #18): the run report's `safety` figures (analysis/safety-figures.ts, the report cached
// by ViewerData) with report/'s sentences, so the page shows exactly what the terminal and Markdown print.
import type { Context, Hono } from 'hono';
import { comparisonSentence, zeroToleranceSentence } from '../report/index.js';
import type { ViewerEnv } from './auth-routes.js';
import { NotFound, type ViewerData } from './data.js';
import type { SafetyResponse } from './safety-types.js';

export async function safetyResponse(data: ViewerData, runId: string): Promise<SafetyResponse> {
  const run = await data.store.runs.get(runId);
  if (!run) throw new NotFound(`no run ${runId}`);
  const safety = (await data.report(run)).safety ?? null;
  return {
    runId: run.id,
    suiteName: run.suiteName,
    safety,
    sentences: {
      statements: Object.fromEntries((safety?.variants ?? []).map((v) => [v.id, zeroToleranceSentence(v.zeroTolerance, safety!.level)])),
      comparisons: (safety?.comparisons ?? []).map((c) => comparisonSentence(c, safety!.level)),
    },
  };
}

export function installSafetyRoutes(
  app: Hono<ViewerEnv>,
  data: ViewerData,
  handle: (fn: (c: Context<ViewerEnv>) => Promise<unknown>) => (c: Context<ViewerEnv>) => Promise<Response>,
): void {
  app.get(
    '/api/runs/:id/safety',
    handle(async (c) => safetyResponse(data, c.req.param('id')!)),
  );
}
