// vitest globalSetup: one throwaway PostgreSQL cluster for the whole test run (bench/pg-cluster.mjs),
// its admin URL handed to the test files with provide/inject ('pgUrl'); stopped at the end. With
// EVALSPEC_TEST_PG_URL set, that server is used instead and nothing is started. When only some test files were
// asked for and none of them needs PostgreSQL, no cluster is started (initdb costs seconds of CPU).
import type { TestProject } from 'vitest/node';
import { findPgBinaries, startPgCluster } from '../bench/pg-cluster.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin URL of the test PostgreSQL, or null with the reason in pgUnavailable. */
    pgUrl: string | null;
    pgUnavailable: string | null;
  }
}

/** Test files whose names say they use PostgreSQL (the store contract suite runs on every dialect). */
const NEEDS_PG = /store|postgres|pg/i;

/** vitest options whose value is the next argument (not a file filter). */
const VALUED = new Set([
  '-t',
  '--testNamePattern',
  '--project',
  '-c',
  '--config',
  '--reporter',
  '--dir',
  '-r',
  '--root',
  '--maxWorkers',
  '--shard',
  '--exclude',
  '--outputFile',
]);

function filtersNeedPg(): boolean {
  const argv = process.argv.slice(2);
  const filters = argv.filter((a, i) => !a.startsWith('-') && !VALUED.has(argv[i - 1]) && a !== 'run' && a !== 'watch' && !/vitest(\.mjs)?$/.test(a));
  return filters.length === 0 || filters.some((a) => NEEDS_PG.test(a));
}

let cluster: Awaited<ReturnType<typeof startPgCluster>> | undefined;

export async function setup(project: TestProject): Promise<void> {
  const given = process.env.EVALSPEC_TEST_PG_URL;
  if (given) {
    project.provide('pgUrl', given);
    project.provide('pgUnavailable', null);
    return;
  }
  const bins = findPgBinaries();
  if ('reason' in bins || !filtersNeedPg()) {
    project.provide('pgUrl', null);
    project.provide('pgUnavailable', 'reason' in bins ? bins.reason : 'no test file of this run needs PostgreSQL');
    return;
  }
  try {
    cluster = await startPgCluster();
    project.provide('pgUrl', cluster.url);
    project.provide('pgUnavailable', null);
  } catch (error) {
    project.provide('pgUrl', null);
    project.provide('pgUnavailable', `starting a throwaway PostgreSQL cluster failed: ${(error as Error).message}`);
  }
}

export function teardown(): void {
  cluster?.stop();
}
