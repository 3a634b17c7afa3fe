// A run's record: a new run stored with its plan (variants, cases, selection), or a stored run reopened to
// finish it after checking it is the same plan. Either way this process takes the run's lease (lease.ts)
// before the first call, into `held` at once so the caller releases it whatever happens next.
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { EvalspecError } from '../errors.js';
import type { Plan, PlannedCase } from '../plan/index.js';
import type { CaseRow, Store, StoredVariant } from '../store/index.js';
import { takeRunLease, type LeaseHandle } from './lease.js';
import type { RunOptions } from './run-options.js';

export const FORMAT_VERSION = 1;

export function newRunId(now = new Date()): string {
  const iso = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${iso}-${randomBytes(2).toString('hex')}`;
}

function gitInfo(cwd: string): { commit: string | null; branch: string | null } {
  const git = (args: string[]) => {
    try {
      return (
        execFileSync('git', args, { cwd, stdio: ['ignore', 'pipe', 'ignore'], timeout: 2000 })
          .toString()
          .trim() || null
      );
    } catch {
      return null;
    }
  };
  // One process for both (`rev-parse` prints one line per argument); nothing when either fails, as before.
  const [commit = null, branch = null] = git(['rev-parse', 'HEAD', '--abbrev-ref', 'HEAD'])?.split('\n') ?? [];
  return { commit: commit || null, branch: branch || null };
}

export async function openRun(
  plan: Plan,
  options: RunOptions,
  warnings: string[],
  held: { lease?: LeaseHandle },
  onLeaseLost: (error: EvalspecError) => void,
): Promise<{ runId: string; done: Set<string> }> {
  const { store, suite } = { store: options.store, suite: plan.suite };
  let runId: string;
  let done = new Set<string>();
  if (options.resumeRunId) {
    const previous = await store.runs.get(options.resumeRunId);
    if (!previous) {
      throw new EvalspecError('RUN_NOT_FOUND', `no run ${options.resumeRunId} in ${store.location}`, { hint: 'list runs with `evalspec runs`' });
    }
    if (previous.suiteHash !== suite.hash) {
      throw new EvalspecError(
        'RESUME_MISMATCH',
        `run ${previous.id} was made from a different version of the suite (hash ${previous.suiteHash}, now ${suite.hash}): the suite file or its cases changed since the run`,
        {
          file: suite.file,
          hint: 'resume only with the suite unchanged; start a new run instead (the cache still saves the calls already made)',
        },
      );
    }
    const planned = previous.variants.map((v) => v.id).join(', ');
    const now = plan.variants.map((v) => v.id).join(', ');
    if (planned !== now || previous.totalCalls !== plan.totalCalls) {
      throw new EvalspecError(
        'RESUME_MISMATCH',
        `run ${previous.id} planned ${previous.totalCalls} calls over ${planned}; this plan has ${plan.totalCalls} over ${now}`,
        {
          file: suite.file,
          hint: `resume with the run's own selection (omit --model / --repeat: \`evalspec run --resume ${previous.id}\`), or start a new run`,
        },
      );
    }
    runId = previous.id;
    // Before anything is read or written: a second process resuming the same run stops here (RUN_LOCKED).
    held.lease = await takeRunLease(store, runId, onLeaseLost);
    done = await store.results.completedKeys(runId);
    // A run stores its cases in chunks (putCases): a process stopped part-way through left the first ones only.
    let stored = 0;
    for await (const _ of store.cases.keys(runId)) stored++;
    if (stored < plan.cases.length) await putCases(store, runId, plan.cases, stored);
    await store.runs.setStatus(runId, 'started', null);
  } else {
    runId = newRunId();
    const git = gitInfo(suite.dir);
    const variants: StoredVariant[] = plan.variants.map((v) => ({
      id: v.id,
      label: v.model.label,
      model: v.model.ref,
      providerType: v.model.providerType,
      modelId: v.model.modelId,
      prompt: v.prompt.id,
    }));
    await store.runs.create({
      id: runId,
      suiteName: suite.name,
      suiteHash: suite.hash,
      suiteFile: suite.file,
      label: options.label ?? null,
      status: 'started',
      formatVersion: FORMAT_VERSION,
      config: suite.storedConfig,
      variants,
      repeat: plan.repeat,
      gitCommit: git.commit,
      gitBranch: git.branch,
      totalCalls: plan.totalCalls,
      startedAt: new Date().toISOString(),
      endedAt: null,
      warnings,
      selection: options.selection ?? { models: null, repeat: plan.repeat },
    });
    held.lease = await takeRunLease(store, runId, onLeaseLost);
    await putCases(store, runId, plan.cases);
  }
  return { runId, done };
}

/** The plan's cases stored with the run, in order, a thousand at a time: never every case in memory at once. */
async function putCases(store: Store, runId: string, cases: Iterable<PlannedCase>, from = 0): Promise<void> {
  let chunk: CaseRow[] = [];
  let index = 0;
  for (const { case: c } of cases) {
    if (index++ < from) continue;
    chunk.push({ caseId: c.id, contentHash: c.contentHash, tags: c.tags, vars: c.vars, cluster: c.cluster ?? null, description: c.description ?? null });
    if (chunk.length === 1000) {
      await store.cases.putMany(runId, chunk);
      chunk = [];
    }
  }
  if (chunk.length > 0) await store.cases.putMany(runId, chunk);
}
