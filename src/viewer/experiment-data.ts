// The Experiment page's API (issue #17): the experiment files given with `view --experiment FILE` and each one's
// scorecard, computed by experiment/'s analyzeExperiment (handed in by the CLI with the viewer's store). A scorecard
// is computed once per version of the file and its data (their modification times), so reloading the page does not
// stream the exposures again; an analysis that fails is listed with its message and fix, never dropped.
import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Hono, Context } from 'hono';
import { isEvalspecError } from '../errors.js';
import type { ViewerEnv } from './auth-routes.js';
import { NotFound } from './data.js';
import type { ExperimentListItem, ExperimentListResponse, Scorecard } from './experiment-types.js';

export interface ExperimentSource {
  /** The exp.yaml files, as given. */
  files: string[];
  /** analyzeExperiment(file, { store }) */
  analyze(file: string): Promise<Scorecard>;
}

type Outcome = { scorecard: Scorecard; error: null } | { scorecard: null; error: { message: string; fix: string | null } };

/**
 * Modification times and sizes of the file and of every file beside it: the data files (exposures, events, pre-period)
 * usually live there, and a file rewritten in place changes its own time, not its folder's.
 */
function versionOf(file: string): string {
  const stamp = (f: string) => {
    try {
      const s = statSync(f);
      return s.isFile() ? `${s.mtimeMs}/${s.size}` : '';
    } catch {
      return 'missing';
    }
  };
  let beside: string[] = [];
  try {
    beside = readdirSync(dirname(file)).sort();
  } catch {
    // The folder is gone: the file's own stamp says "missing".
  }
  return [stamp(file), ...beside.map((name) => `${name}:${stamp(join(dirname(file), name))}`)].join('|');
}

export class ExperimentData {
  private readonly files: string[];
  private readonly cache = new Map<string, { version: string; outcome: Promise<Outcome> }>();

  constructor(private readonly source: ExperimentSource | undefined) {
    this.files = (source?.files ?? []).map((f) => resolve(f));
  }

  private outcome(file: string): Promise<Outcome> {
    const version = versionOf(file);
    const cached = this.cache.get(file);
    if (cached && cached.version === version) return cached.outcome;
    const outcome = this.source!.analyze(file).then(
      (scorecard): Outcome => ({ scorecard, error: null }),
      (error: unknown): Outcome => ({
        scorecard: null,
        error: { message: (error as Error).message, fix: isEvalspecError(error) ? (error.hint ?? null) : null },
      }),
    );
    this.cache.set(file, { version, outcome });
    return outcome;
  }

  async list(): Promise<ExperimentListResponse> {
    const experiments: ExperimentListItem[] = [];
    for (const file of this.files) {
      const { scorecard, error } = await this.outcome(file);
      experiments.push({
        name: scorecard?.name ?? basename(file),
        file,
        verdict: scorecard?.verdict ?? null,
        srmFired: scorecard?.srm.fired ?? null,
        units: scorecard ? scorecard.arms.reduce((n, a) => n + a.units, 0) : null,
        error,
      });
    }
    return { experiments };
  }

  async detail(name: string): Promise<Scorecard> {
    for (const file of this.files) {
      const { scorecard, error } = await this.outcome(file);
      if (scorecard?.name === name) return scorecard;
      if (!scorecard && basename(file) === name) throw new NotFound(`${file}: ${error.message}${error.fix ? ` (fix: ${error.fix})` : ''}`);
    }
    throw new NotFound(
      this.files.length
        ? `no experiment named ${name} among ${this.files.join(', ')}`
        : 'no experiment file given: start the viewer with --experiment exp.yaml',
    );
  }
}

export function installExperimentRoutes(
  app: Hono<ViewerEnv>,
  data: ExperimentData,
  handle: (fn: (c: Context<ViewerEnv>) => Promise<unknown>) => (c: Context<ViewerEnv>) => Promise<Response>,
): void {
  app.get(
    '/api/experiments',
    handle(async () => data.list()),
  );
  app.get(
    '/api/experiments/:name',
    handle(async (c) => data.detail(c.req.param('name')!)),
  );
}
