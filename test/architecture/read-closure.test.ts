// The commands that read stored runs back (show, diff, select, runs) load what reading needs, not the run's
// machinery: at a million results every module loaded is memory the 300 MB bar counts (issue #22), and ~0.1 s of
// start-up per command. The modules a command loads are the closure of its static imports (type-only and dynamic
// `import()` edges excluded: the CLI loads one command's module, cli/program.ts).
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { REPO } from '../helpers/cli.js';
import { collectImports, unitOf, type ImportEdge } from './import-graph.js';

const edges = collectImports(join(REPO, 'src'));
const byFile = new Map<string, ImportEdge[]>();
for (const e of edges) byFile.set(e.from, [...(byFile.get(e.from) ?? []), e]);

/** Files and packages loaded with `file`, following static value imports. */
function loadedWith(file: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>([file]);
  const packages = new Set<string>();
  const queue = [file];
  while (queue.length) {
    for (const e of byFile.get(queue.pop()!) ?? []) {
      if (e.typeOnly || e.dynamic) continue;
      if (e.external) packages.add(e.to.startsWith('@') ? e.to.split('/').slice(0, 2).join('/') : e.to.split('/')[0]);
      else if (!files.has(e.to)) (files.add(e.to), queue.push(e.to));
    }
  }
  return { files, packages };
}

/** What a read command must not load: the run (AI SDK, providers), the suite loader, the queue, production. */
const HEAVY_UNITS = ['run', 'suite', 'plan', 'distribute', 'ingest', 'monitor', 'pipeline.ts', 'playground', 'viewer'];
const HEAVY_PACKAGES = /^(ai|@ai-sdk\/.*|pg|pg-boss|@opentelemetry\/.*|yaml|hono|@hono\/.*)$/;

describe('what the read commands load', () => {
  for (const command of ['show', 'diff', 'select', 'runs']) {
    it(`${command}: no run, suite, queue or production modules, no AI SDK or PostgreSQL driver`, () => {
      const { files, packages } = loadedWith(`cli/commands/${command}.ts`);
      expect(files.size).toBeGreaterThan(10);
      expect([...files].map(unitOf).filter((u) => HEAVY_UNITS.includes(u))).toEqual([]);
      expect([...packages].filter((p) => HEAVY_PACKAGES.test(p))).toEqual([]);
    });
  }

  it('the rule catches a heavy import (the run command loads the AI SDK and the run)', () => {
    const { files, packages } = loadedWith('cli/commands/run.ts');
    expect([...files].map(unitOf)).toContain('run');
    expect([...packages]).toContain('ai');
  });

  it('run, show and the other commands load pg and pg-boss only when a PostgreSQL store or a distributed run needs them', () => {
    for (const command of ['run', 'show', 'worker'])
      expect([...loadedWith(`cli/commands/${command}.ts`).packages].filter((p) => /^pg(-boss)?$/.test(p))).toEqual([]);
  });
});
