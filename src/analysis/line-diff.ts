// A compact line diff (longest common subsequence) of two short texts, e.g. a prompt's message templates
// before and after an edit: changed lines with a line of context around them, unchanged stretches folded into
// one "gap" line. The web viewer has its own word-level diff (viewer-ui/src/diff.ts), but viewer-ui/ is the
// browser bundle and cannot be imported from src/.

export interface DiffLine {
  kind: 'context' | 'removed' | 'added' | 'gap';
  /** The line; for a gap, "N unchanged lines". */
  text: string;
}

// Prompts are short; past this many cells (lines × lines) every line of both sides is listed as replaced.
const MAX_CELLS = 1_000_000;

function alignLines(a: readonly string[], b: readonly string[]): DiffLine[] {
  const n = a.length;
  const m = b.length;
  if ((n + 1) * (m + 1) > MAX_CELLS) {
    return [...a.map((text) => ({ kind: 'removed' as const, text })), ...b.map((text) => ({ kind: 'added' as const, text }))];
  }
  // table[i][j] = length of the LCS of a[i..] and b[j..].
  const width = m + 1;
  const table = new Uint32Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      table[i * width + j] = a[i] === b[j] ? table[(i + 1) * width + j + 1] + 1 : Math.max(table[(i + 1) * width + j], table[i * width + j + 1]);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      out.push({ kind: 'context', text: a[i] });
      i++;
      j++;
    } else if (table[(i + 1) * width + j] >= table[i * width + j + 1]) out.push({ kind: 'removed', text: a[i++] });
    else out.push({ kind: 'added', text: b[j++] });
  }
  while (i < n) out.push({ kind: 'removed', text: a[i++] });
  while (j < m) out.push({ kind: 'added', text: b[j++] });
  return out;
}

/** The changed lines of before → after with `context` unchanged lines around each change; [] when equal. */
export function compactLineDiff(before: readonly string[], after: readonly string[], context = 1): DiffLine[] {
  const all = alignLines(before, after);
  if (all.every((l) => l.kind === 'context')) return [];
  const keep = all.map((l) => l.kind !== 'context');
  all.forEach((l, k) => {
    if (l.kind === 'context') return;
    for (let d = 1; d <= context; d++) {
      if (k - d >= 0) keep[k - d] = true;
      if (k + d < all.length) keep[k + d] = true;
    }
  });
  const out: DiffLine[] = [];
  let folded = 0;
  const flush = () => {
    if (folded) out.push({ kind: 'gap', text: `${folded} unchanged line${folded === 1 ? '' : 's'}` });
    folded = 0;
  };
  all.forEach((l, k) => {
    if (!keep[k]) {
      folded++;
      return;
    }
    flush();
    out.push(l);
  });
  flush();
  return out;
}
