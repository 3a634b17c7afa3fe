// `evalspec labels import FILE` / `evalspec labels list RUN_ID`: human labels on the results of a run
// (pass/fail, per-dimension scores, or which of two outputs won), stored with who labelled and when.
import type { Command } from 'commander';
import { resolve } from 'node:path';
import type { CliIO } from '../cli-io.js';
import { openStore } from '../../store/index.js';
import { importLabels, readLabelsFile } from '../../calibration/index.js';
import { textTable } from '../../report/index.js';

export function registerLabelsCommand(program: Command, io: CliIO): void {
  const labels = program.command('labels').description('human labels on the results of a run (for judge calibration)');

  labels
    .command('import')
    .description('import labels from JSONL or CSV: case_id, variant, label (pass/fail) or per-dimension scores or winner, labeller')
    .argument('<file>', 'a .jsonl or .csv file')
    .option('--run <runId>', "attach the labels to this run (default: each label's run_id, else the newest run)")
    .option('--labeller <name>', 'who labelled, for labels that do not say')
    .action(async (file: string, opts) => {
      const path = resolve(file);
      const inputs = readLabelsFile(path);
      const store = openStore(program.opts().db);
      try {
        const results = await importLabels(store, inputs, { file: path, runId: opts.run, labeller: opts.labeller });
        for (const r of results) {
          const kinds = [
            r.kinds.passFail ? `${r.kinds.passFail} pass/fail` : '',
            r.kinds.scores ? `${r.kinds.scores} with dimension scores` : '',
            r.kinds.pairwise ? `${r.kinds.pairwise} pairwise (win/loss/tie)` : '',
          ].filter(Boolean);
          const into = `by ${r.labellers.join(', ')} into run ${r.runId}${r.runGuessed ? ' (the newest run: pass --run to choose)' : ''}`;
          const labelsN = (n: number) => `${n} label${n === 1 ? '' : 's'}`;
          if (r.updated === 0 && r.unchanged === 0) io.stdout(`imported ${labelsN(r.imported)} (${kinds.join(', ')}) ${into}\n`);
          else {
            const parts = [
              `imported ${labelsN(r.imported)}`,
              r.updated ? `updated ${r.updated}` : '',
              r.unchanged ? `${r.unchanged} unchanged (already stored)` : '',
            ].filter(Boolean);
            io.stdout(`${parts.join(', ')} (${r.read} read: ${kinds.join(', ')}) ${into}\n`);
          }
          if (r.updated) {
            const lines = r.updatedLines.slice(0, 10).join(', ') + (r.updatedLines.length > 10 ? ', …' : '');
            io.stdout(
              `updated: the same labeller's earlier label of the same kind on the same result was replaced (line${r.updatedLines.length === 1 ? '' : 's'} ${lines})\n`,
            );
          }
          io.stdout(`next: evalspec calibrate ${r.runId}\n`);
        }
      } finally {
        await store.close();
      }
    });

  labels
    .command('list')
    .description('how many labels a run has, per labeller')
    .argument('<runId>', 'a run id from `evalspec runs`')
    .option('--json', 'print every label as JSON')
    .action(async (runId: string, opts) => {
      const store = openStore(program.opts().db, { access: 'read' });
      try {
        const rows = await store.labels.list(runId);
        if (opts.json) {
          io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
          return;
        }
        if (rows.length === 0) {
          io.stdout(`run ${runId} has no labels; import some with: evalspec labels import FILE --run ${runId}\n`);
          return;
        }
        const by = new Map<string, { n: number; pass: number; fail: number; pairwise: number; scores: number; last: string }>();
        for (const r of rows) {
          const e = by.get(r.labeller) ?? { n: 0, pass: 0, fail: 0, pairwise: 0, scores: 0, last: '' };
          e.n++;
          if (r.label === 'pass') e.pass++;
          else if (r.label === 'fail') e.fail++;
          if (r.preference) e.pairwise++;
          if (r.scores) e.scores++;
          if (r.createdAt > e.last) e.last = r.createdAt;
          by.set(r.labeller, e);
        }
        const table = [...by.entries()].map(([l, e]) => [
          l,
          String(e.n),
          String(e.pass),
          String(e.fail),
          String(e.pairwise),
          String(e.scores),
          e.last.slice(0, 16).replace('T', ' '),
        ]);
        io.stdout(
          `${textTable(['labeller', 'results', 'pass', 'fail', 'win/loss/tie', 'scored', 'last (UTC)'], table, [false, true, true, true, true, true, false])}\n`,
        );
      } finally {
        await store.close();
      }
    });
}
