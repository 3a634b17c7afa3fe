// Attach labels read from a file to a stored run: every label must name a result of the run (case, variant,
// repeat), and say who labelled it. Stored in the store's `labels` table with who and when.
import { EvalspecError } from '../errors.js';
import type { LabelRow, Store } from '../store/index.js';
import type { LabelInput } from './labels-file.js';

export interface ImportLabelsOptions {
  /** The labels file (for messages). */
  file: string;
  /** Attach every label to this run (default: each label's run_id, else the newest run in the store). */
  runId?: string;
  /** Who labelled, for labels that do not say. */
  labeller?: string;
  now?: () => Date;
}

export interface ImportLabelsResult {
  runId: string;
  /** True when the run was not named and the newest run was used. */
  runGuessed: boolean;
  imported: number;
  labellers: string[];
  kinds: { passFail: number; scores: number; pairwise: number };
}

export async function importLabels(store: Store, inputs: LabelInput[], options: ImportLabelsOptions): Promise<ImportLabelsResult[]> {
  const now = (options.now ?? (() => new Date()))().toISOString();
  let guessed: string | undefined;
  if (!options.runId && inputs.some((l) => l.runId === undefined)) {
    const [latest] = await store.runs.list({ limit: 1 });
    if (!latest) throw new EvalspecError('RUN_NOT_FOUND', `no runs in ${store.location} to attach labels to`, { hint: 'run the suite first (evalspec run), then import labels for that run with --run RUN_ID' });
    guessed = latest.id;
  }
  const byRun = new Map<string, LabelInput[]>();
  for (const l of inputs) {
    if (options.runId && l.runId && l.runId !== options.runId) {
      throw new EvalspecError('LABELS_FILE', `the label names run ${l.runId} but --run is ${options.runId}`, { file: options.file, line: l.line, hint: 'drop --run to use the run_id of each label, or remove the run_id column' });
    }
    const runId = options.runId ?? l.runId ?? guessed!;
    const list = byRun.get(runId) ?? [];
    list.push(l);
    byRun.set(runId, list);
  }

  const results: ImportLabelsResult[] = [];
  for (const [runId, labels] of byRun) {
    const run = await store.runs.get(runId);
    if (!run) throw new EvalspecError('RUN_NOT_FOUND', `no run ${runId} in ${store.location}`, { file: options.file, hint: 'list runs with `evalspec runs`' });
    const variants = run.variants.map((v) => v.id);
    const keys = new Set<string>();
    for await (const r of store.results.list(runId, { slim: true })) keys.add(`${r.caseId}\u0000${r.variantId}\u0000${r.repeat}`);
    const rows: LabelRow[] = [];
    const kinds = { passFail: 0, scores: 0, pairwise: 0 };
    for (const l of labels) {
      const where = { file: options.file, line: l.line, caseId: l.caseId };
      let variantId = l.variantId;
      if (variantId === undefined) {
        if (variants.length !== 1) throw new EvalspecError('LABELS_FILE', `the label names no variant, and run ${runId} has ${variants.length}`, { ...where, hint: `add "variant" (one of: ${variants.join(', ')})` });
        variantId = variants[0];
      }
      if (!variants.includes(variantId)) {
        throw new EvalspecError('LABELS_FILE', `variant "${variantId}" is not in run ${runId}`, { ...where, hint: `the run's variants: ${variants.join(', ')}` });
      }
      if (!keys.has(`${l.caseId}\u0000${variantId}\u0000${l.repeat}`)) {
        throw new EvalspecError('LABELS_FILE', `run ${runId} has no result for case "${l.caseId}", variant "${variantId}"${l.repeat ? `, repeat ${l.repeat}` : ''}`, {
          ...where,
          hint: 'labels describe stored results: check the case id and variant (see `evalspec show RUN_ID`)',
        });
      }
      let label = l.label;
      if (l.winner !== undefined) {
        let fromWinner: string;
        if (l.winner === 'tie') fromWinner = 'tie';
        else if (l.winner === variantId) fromWinner = 'win';
        else if (variants.includes(l.winner)) fromWinner = 'loss';
        else throw new EvalspecError('LABELS_FILE', `winner "${l.winner}" is not a variant of run ${runId}`, { ...where, hint: `write a variant id (${variants.join(', ')}) or "tie"` });
        if (label !== null && label !== fromWinner) {
          throw new EvalspecError('LABELS_FILE', `"label": ${label} contradicts "winner": ${l.winner} for variant ${variantId}`, { ...where, hint: 'give one of them' });
        }
        label = fromWinner;
      }
      const labeller = l.labeller ?? options.labeller;
      if (!labeller) {
        throw new EvalspecError('LABELS_FILE', 'the label does not say who labelled it', { ...where, hint: 'add a "labeller" field (or column), or pass --labeller NAME' });
      }
      if (label === 'pass' || label === 'fail') kinds.passFail++;
      else if (label !== null) kinds.pairwise++;
      if (l.scores) kinds.scores++;
      rows.push({ runId, caseId: l.caseId, variantId, repeat: l.repeat, label, scores: l.scores, tag: l.tag, comment: l.comment, labeller, createdAt: l.labelledAt ?? now });
    }
    await store.labels.putMany(rows);
    results.push({ runId, runGuessed: runId === guessed && !options.runId, imported: rows.length, labellers: [...new Set(rows.map((r) => r.labeller))], kinds });
  }
  return results;
}
