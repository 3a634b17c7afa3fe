// The stage import rule of docs/architecture.md, checked on every import of src/ (and of the viewer's front
// end) as TypeScript parses it: a stage imports another only through its index.ts, only along the edges of
// STAGE_GRAPH (which the doc's table must equal), and no imports go round in a cycle, type-only ones included.
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../helpers/cli.js';
import {
  collectImports,
  cycles,
  graphLinks,
  graphTable,
  importsOf,
  listFiles,
  stageLinks,
  stageViolations,
  unitOf,
  type ImportEdge,
  type StageGraph,
} from './import-graph.js';

const SRC = join(REPO, 'src');

/** Files every unit may import; they import nothing of ours. */
const SHARED = ['errors.ts', 'fold-snapshot.ts', 'stable-json.ts', 'version.ts'];

/**
 * What each unit of src/ (a stage folder, or a file at the root) may import, besides SHARED. `X (types)`: type
 * imports only. Ordered bottom-up; docs/architecture.md carries the same table (the test compares them).
 */
const STAGE_GRAPH: StageGraph = {
  'errors.ts': [],
  'fold-snapshot.ts': [],
  'stable-json.ts': [],
  'version.ts': [],
  'user-code': [],
  stats: [],
  suite: ['score', 'stats'],
  plan: ['suite'],
  score: ['user-code'],
  store: ['score (types)'],
  pricing: ['suite (types)'],
  run: ['plan', 'pricing', 'score', 'store', 'suite', 'user-code'],
  analysis: ['pricing', 'stats', 'store', 'suite (types)'],
  report: ['analysis', 'plan (types)', 'score', 'stats', 'store'],
  calibration: ['report', 'score', 'stats', 'store', 'suite'],
  ingest: ['pricing', 'run', 'store', 'suite'],
  monitor: ['ingest', 'pricing (types)', 'report', 'run', 'score', 'stats', 'store', 'suite'],
  experiment: ['analysis', 'report', 'stats', 'store', 'suite'],
  spec: ['analysis', 'monitor', 'report', 'stats', 'store (types)', 'suite'],
  viewer: ['analysis', 'experiment', 'monitor', 'report', 'stats', 'store'],
  'pipeline.ts': ['plan', 'report', 'run', 'score', 'stats', 'store', 'suite', 'user-code'],
  'estimate-suite.ts': ['pipeline.ts', 'plan', 'pricing', 'run', 'store', 'suite'],
  distribute: ['pipeline.ts', 'plan (types)', 'pricing', 'run', 'store'],
  'chain.ts': ['run', 'score (types)', 'suite'],
  importer: ['report', 'score', 'suite'],
  playground: ['analysis', 'estimate-suite.ts', 'pipeline.ts', 'plan', 'report', 'run', 'score', 'stats', 'store', 'suite', 'viewer (types)'],
  redteam: ['pricing', 'run', 'score', 'store', 'suite'],
  cli: [
    'analysis',
    'calibration',
    'distribute',
    'estimate-suite.ts',
    'experiment',
    'importer',
    'ingest',
    'monitor',
    'pipeline.ts',
    'plan',
    'playground',
    'redteam',
    'report',
    'run',
    'score',
    'spec',
    'stats',
    'store',
    'suite',
    'user-code',
    'viewer',
  ],
  'index.ts': [
    'analysis',
    'calibration',
    'estimate-suite.ts',
    'experiment',
    'ingest',
    'monitor',
    'pipeline.ts',
    'plan',
    'playground',
    'report',
    'run',
    'score',
    'stats',
    'store',
    'suite',
  ],
};

/**
 * Cycles between files of one stage allowed for now (issue 13 removed the last ones: keep it empty). A cycle not
 * within one of these fails; an entry whose cycle is gone fails too.
 */
const KNOWN_FILE_CYCLES: string[][] = [];

const srcEdges = collectImports(SRC);
const srcUnits = readdirSync(SRC, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() || entry.name.endsWith('.ts'))
  .map((entry) => entry.name);

const fileLinks = (edges: readonly ImportEdge[]) => edges.filter((e) => !e.external).map((e): [string, string] => [e.from, e.to]);
const show = (cycle: string[]) => cycle.join(' ↔ ');

describe('the stage import rule (docs/architecture.md)', () => {
  it('finds the imports it checks', () => {
    // A parser that saw nothing would pass every rule: the tree has hundreds of cross-stage imports.
    expect(srcEdges.filter((e) => !e.external && unitOf(e.from) !== unitOf(e.to)).length).toBeGreaterThan(200);
    expect(srcUnits).toEqual(expect.arrayContaining(['cli', 'run', 'score', 'viewer', 'errors.ts']));
  });

  it('src/: stages import each other only through index.ts and only along the graph', () => {
    expect(stageViolations(srcEdges, STAGE_GRAPH, SHARED, srcUnits, 'src')).toEqual([]);
  });

  it('the shared files import nothing of ours', () => {
    expect(srcEdges.filter((e) => SHARED.includes(e.from) && !e.external)).toEqual([]);
  });

  it('no cycle between stages, in the graph or in the code (type-only imports included)', () => {
    expect(cycles(Object.keys(STAGE_GRAPH), graphLinks(STAGE_GRAPH)).map(show)).toEqual([]);
    expect(cycles(srcUnits, stageLinks(srcEdges)).map(show)).toEqual([]);
  });

  it('no cycle between files but (parts of) the known ones being removed', () => {
    const found = cycles(listFiles(SRC, ['.ts']), fileLinks(srcEdges));
    const unknown = found.filter((cycle) => !KNOWN_FILE_CYCLES.some((known) => cycle.every((file) => known.includes(file))));
    expect(unknown.map(show)).toEqual([]);
    // A known cycle that is gone leaves the list, so it cannot come back unnoticed.
    const gone = KNOWN_FILE_CYCLES.filter((known) => !found.some((cycle) => cycle.every((file) => known.includes(file))));
    expect(gone).toEqual([]);
  });

  it('docs/architecture.md carries the same graph', () => {
    const doc = readFileSync(join(REPO, 'docs/architecture.md'), 'utf8');
    // On a failure, the expected table is in the message: paste it into the doc.
    expect(doc.includes(graphTable(STAGE_GRAPH)), `docs/architecture.md should contain:\n${graphTable(STAGE_GRAPH)}`).toBe(true);
  });

  it('viewer-ui/ imports nothing of src/ but the API types, and that file imports nothing', () => {
    const ui = join(REPO, 'viewer-ui');
    const uiEdges = listFiles(join(ui, 'src'), ['.ts', '.tsx']).flatMap((file) => importsOf(`src/${file}`, readFileSync(join(ui, 'src', file), 'utf8')));
    const leaving = uiEdges.filter((e) => !e.external && e.to.startsWith('../'));
    expect(leaving.length).toBeGreaterThan(0);
    const apiTypes = [
      '../src/viewer/types.ts',
      '../src/viewer/monitor-types.ts',
      '../src/viewer/playground-types.ts',
      '../src/viewer/experiment-types.ts',
      '../src/viewer/safety-types.ts',
    ];
    expect(leaving.filter((e) => !apiTypes.includes(e.to)).map((e) => `viewer-ui/${e.from}:${e.line} → ${e.to}`)).toEqual([]);
    expect(srcEdges.filter((e) => apiTypes.includes(`../src/${e.from}`))).toEqual([]);
  });
});

describe('the checks themselves fail on a violation (synthetic graphs)', () => {
  const graph: StageGraph = { 'errors.ts': [], suite: [], score: ['suite'], store: ['score (types)'], run: ['score', 'store'] };
  const units = Object.keys(graph);
  const check = (files: Record<string, string>, g: StageGraph = graph, u: readonly string[] = units) =>
    stageViolations(
      Object.entries(files).flatMap(([file, source]) => importsOf(file, source)),
      g,
      SHARED,
      u,
      'src',
    );

  it('accepts imports through index.ts along the graph, and the shared files from anywhere', () => {
    expect(
      check({
        'run/a.ts': "import { x } from '../score/index.js';\nimport type { S } from '../store/index.js';\nimport { EvalspecError } from '../errors.js';",
        'store/b.ts': "import type { J } from '../score/index.js';\nexport type { K } from '../score/index.js';",
        'score/checks/c.ts': "import { y } from '../../suite/index.js';\nimport { z } from '../registry.js';\nimport { readFileSync } from 'node:fs';",
      }),
    ).toEqual([]);
  });

  it('an import that bypasses index.ts', () => {
    expect(check({ 'score/c.ts': "import type { CheckSpec } from '../suite/check-specs.js';" })).toEqual([
      'src/score/c.ts:1 imports src/suite/check-specs.ts: import it through src/suite/index.ts (export it there if it is not)',
    ]);
  });

  it('an edge the graph does not allow, also when dynamic or type-only', () => {
    expect(check({ 'suite/a.ts': "const m = await import('../run/index.js');" })).toEqual([
      'src/suite/a.ts:1 imports src/run/index.ts: suite may not import run (the stage graph allows suite → nothing)',
    ]);
    expect(check({ 'score/a.ts': "let s: import('../store/index.js').Store;" })).toEqual([
      'src/score/a.ts:1 imports src/store/index.ts: score may not import store (the stage graph allows score → suite)',
    ]);
  });

  it('a value import along a types-only edge', () => {
    expect(check({ 'store/a.ts': "import { scoreOutput, type J } from '../score/index.js';" })).toEqual([
      'src/store/a.ts:1 imports src/score/index.ts: store may import only types from score (use `import type`)',
    ]);
  });

  it('a folder missing from the graph, and a graph entry with no folder', () => {
    expect(check({}, graph, [...units, 'select'])).toEqual([
      'src/select is not in the stage graph: add it to STAGE_GRAPH in test/architecture/imports.test.ts and to the table in docs/architecture.md',
    ]);
    expect(
      check(
        {},
        graph,
        units.filter((u) => u !== 'suite'),
      ),
    ).toEqual(['the stage graph lists suite, which is not in src/: remove it from the test and the doc']);
  });

  it('cycles: between stages, through type-only imports, and between files', () => {
    const edges = [
      ...importsOf('report/analysis.ts', "import type { RunReport } from './run-report.js';"),
      ...importsOf('report/run-report.ts', "import { analyse } from './analysis.js';"),
      ...importsOf('store/a.ts', "import type { J } from '../score/index.js';"),
      ...importsOf('score/b.ts', "import type { S } from '../store/index.js';"),
    ];
    expect(cycles(['report', 'score', 'store'], stageLinks(edges))).toEqual([['score', 'store']]);
    // Files: the index files here re-export nothing, so only the report pair goes round.
    expect(cycles([], fileLinks(edges))).toEqual([['report/analysis.ts', 'report/run-report.ts']]);
    expect(cycles(['a', 'b'], graphLinks({ a: ['b (types)'], b: ['a'] }))).toEqual([['a', 'b']]);
  });

  it('the doc table is rendered from the graph', () => {
    expect(graphTable({ suite: [], store: ['score (types)', 'suite'] })).toBe(
      ['| unit | may import (besides `errors.ts` and `version.ts`) |', '|---|---|', '| `suite/` | — |', '| `store/` | `score/` (types only), `suite/` |'].join(
        '\n',
      ),
    );
  });
});
