// Attach labels read from a file to a stored run: every label must name a result of the run (case, variant,
// repeat), and say who labelled it. Stored in the store's `labels` table with who and when: one row per
// result and labeller holds each kind of label (pass/fail, per-dimension scores, pairwise preference), and a
// line replaces only the kinds it gives. The result counts new, updated and unchanged labels apart.
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
  /** Labels read from the file for this run. */
  read: number;
  /** New labels: no label of that kind by that labeller on that result was stored before. */
  imported: number;
  /** Labels that replaced a different earlier label of the same kind, labeller and result. */
  updated: number;
  /** Labels already stored with the same value. */
  unchanged: number;
  /** File lines of the updated labels (in file order). */
  updatedLines: number[];
  /** Results × labellers written (one stored row holds a labeller's pass/fail, scores and preference). */
  rows: number;
  labellers: string[];
  /** Labels read, by kind (a line with a verdict and scores counts in both). */
  kinds: { passFail: number; scores: number; pairwise: number };
}

type Change = 'added' | 'same' | 'changed';

const PAIRWISE = new Set(['win', 'loss', 'tie']);

/**
 * Puts one label line onto the labeller's stored row for that result: pass/fail, preference and each score
 * dimension are separate kinds, so a line replaces only the kinds it gives. Returns how each kind changed.
 */
function mergeInto(
  row: LabelRow,
  given: {
    label: string | null;
    preference: string | null;
    scores: Record<string, number> | null;
    tag: string | null;
    comment: string | null;
    createdAt: string;
  },
): Change[] {
  const changes: Change[] = [];
  const put = <T>(before: T | null | undefined, after: T): Change =>
    before === null || before === undefined ? 'added' : before === after ? 'same' : 'changed';
  if (given.label !== null) {
    changes.push(put(row.label, given.label));
    row.label = given.label;
  }
  if (given.preference !== null) {
    changes.push(put(row.preference, given.preference));
    row.preference = given.preference;
  }
  if (given.scores) {
    const scores = { ...(row.scores ?? {}) };
    for (const [name, value] of Object.entries(given.scores)) {
      changes.push(put(scores[name], value));
      scores[name] = value;
    }
    row.scores = scores;
  }
  if (given.tag !== null) row.tag = given.tag;
  if (given.comment !== null) row.comment = given.comment;
  row.createdAt = given.createdAt;
  return changes;
}

export async function importLabels(store: Store, inputs: LabelInput[], options: ImportLabelsOptions): Promise<ImportLabelsResult[]> {
  const now = (options.now ?? (() => new Date()))().toISOString();
  let guessed: string | undefined;
  if (!options.runId && inputs.some((l) => l.runId === undefined)) {
    const [latest] = await store.runs.list({ limit: 1 });
    if (!latest)
      throw new EvalspecError('RUN_NOT_FOUND', `no runs in ${store.location} to attach labels to`, {
        hint: 'run the suite first (evalspec run), then import labels for that run with --run RUN_ID',
      });
    guessed = latest.id;
  }
  const byRun = new Map<string, LabelInput[]>();
  for (const l of inputs) {
    if (options.runId && l.runId && l.runId !== options.runId) {
      throw new EvalspecError('LABELS_FILE', `the label names run ${l.runId} but --run is ${options.runId}`, {
        file: options.file,
        line: l.line,
        hint: 'drop --run to use the run_id of each label, or remove the run_id column',
      });
    }
    const runId = options.runId ?? l.runId ?? guessed!;
    const list = byRun.get(runId) ?? [];
    list.push(l);
    byRun.set(runId, list);
  }

  // Every run's labels are checked before anything is stored: a bad line anywhere imports nothing.
  const pending: { result: ImportLabelsResult; rows: LabelRow[] }[] = [];
  for (const [runId, labels] of byRun) {
    const run = await store.runs.get(runId);
    if (!run) throw new EvalspecError('RUN_NOT_FOUND', `no run ${runId} in ${store.location}`, { file: options.file, hint: 'list runs with `evalspec runs`' });
    const variants = run.variants.map((v) => v.id);
    const keys = new Set<string>();
    for await (const r of store.results.list(runId, { slim: true })) keys.add(`${r.caseId}\u0000${r.variantId}\u0000${r.repeat}`);
    // The stored rows by (result, labeller): a line adds to its labeller's row, it does not replace it.
    const rows = new Map<string, LabelRow>();
    for (const row of await store.labels.list(runId)) rows.set(`${row.caseId}\u0000${row.variantId}\u0000${row.repeat}\u0000${row.labeller}`, row);
    const touched = new Set<string>();
    const kinds = { passFail: 0, scores: 0, pairwise: 0 };
    const counts = { imported: 0, updated: 0, unchanged: 0 };
    const updatedLines: number[] = [];
    for (const l of labels) {
      const where = { file: options.file, line: l.line, caseId: l.caseId };
      let variantId = l.variantId;
      if (variantId === undefined) {
        if (variants.length !== 1)
          throw new EvalspecError('LABELS_FILE', `the label names no variant, and run ${runId} has ${variants.length}`, {
            ...where,
            hint: `add "variant" (one of: ${variants.join(', ')})`,
          });
        variantId = variants[0];
      }
      if (!variants.includes(variantId)) {
        throw new EvalspecError('LABELS_FILE', `variant "${variantId}" is not in run ${runId}`, {
          ...where,
          hint: `the run's variants: ${variants.join(', ')}`,
        });
      }
      if (!keys.has(`${l.caseId}\u0000${variantId}\u0000${l.repeat}`)) {
        throw new EvalspecError(
          'LABELS_FILE',
          `run ${runId} has no result for case "${l.caseId}", variant "${variantId}"${l.repeat ? `, repeat ${l.repeat}` : ''}`,
          {
            ...where,
            hint: 'labels describe stored results: check the case id and variant (see `evalspec show RUN_ID`)',
          },
        );
      }
      let preference = l.label !== null && PAIRWISE.has(l.label) ? l.label : null;
      const label = preference === null ? l.label : null;
      if (l.winner !== undefined) {
        let fromWinner: string;
        if (l.winner === 'tie') fromWinner = 'tie';
        else if (l.winner === variantId) fromWinner = 'win';
        else if (variants.includes(l.winner)) fromWinner = 'loss';
        else
          throw new EvalspecError('LABELS_FILE', `winner "${l.winner}" is not a variant of run ${runId}`, {
            ...where,
            hint: `write a variant id (${variants.join(', ')}) or "tie"`,
          });
        if (l.label !== null && l.label !== fromWinner && preference !== null) {
          throw new EvalspecError('LABELS_FILE', `"label": ${l.label} contradicts "winner": ${l.winner} for variant ${variantId}`, {
            ...where,
            hint: 'give one of them',
          });
        }
        preference = fromWinner;
      }
      const labeller = l.labeller ?? options.labeller;
      if (!labeller) {
        throw new EvalspecError('LABELS_FILE', 'the label does not say who labelled it', {
          ...where,
          hint: 'add a "labeller" field (or column), or pass --labeller NAME',
        });
      }
      if (label !== null) kinds.passFail++;
      if (preference !== null) kinds.pairwise++;
      if (l.scores) kinds.scores++;
      const key = `${l.caseId}\u0000${variantId}\u0000${l.repeat}\u0000${labeller}`;
      const row: LabelRow = rows.get(key) ?? {
        runId,
        caseId: l.caseId,
        variantId,
        repeat: l.repeat,
        label: null,
        scores: null,
        preference: null,
        tag: null,
        comment: null,
        labeller,
        createdAt: now,
      };
      rows.set(key, row);
      touched.add(key);
      const changes = mergeInto(row, { label, preference, scores: l.scores, tag: l.tag, comment: l.comment, createdAt: l.labelledAt ?? now });
      if (changes.includes('changed')) {
        counts.updated++;
        updatedLines.push(l.line);
      } else if (changes.length > 0 && changes.every((c) => c === 'same')) counts.unchanged++;
      else counts.imported++;
    }
    const written = [...touched].map((k) => ({ ...rows.get(k)!, preference: rows.get(k)!.preference ?? null }));
    pending.push({
      rows: written,
      result: {
        runId,
        runGuessed: runId === guessed && !options.runId,
        read: labels.length,
        ...counts,
        updatedLines,
        rows: written.length,
        labellers: [...new Set(written.map((r) => r.labeller))],
        kinds,
      },
    });
  }
  for (const p of pending) await store.labels.putMany(p.rows);
  return pending.map((p) => p.result);
}
