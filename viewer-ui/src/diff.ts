// Word-level diff of two outputs (longest common subsequence), for highlighting in the comparison view.
// The parts are plain strings rendered as text. Large inputs fall back to lines, then to no alignment.

export interface DiffPart {
  text: string;
  kind: 'same' | 'removed' | 'added';
}

const MAX_CELLS = 4_000_000;

function lcsDiff(a: string[], b: string[]): DiffPart[] {
  // Trim the common prefix and suffix first: most output pairs share long stretches.
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) (endA--, endB--);
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  const n = midA.length;
  const m = midB.length;
  const parts: DiffPart[] = [];
  const push = (text: string, kind: DiffPart['kind']) => {
    if (!text) return;
    const last = parts[parts.length - 1];
    if (last && last.kind === kind) last.text += text;
    else parts.push({ text, kind });
  };
  push(a.slice(0, start).join(''), 'same');
  if ((n + 1) * (m + 1) > MAX_CELLS) return [];
  const table = new Uint32Array((n + 1) * (m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      table[i * (m + 1) + j] = midA[i] === midB[j] ? table[(i + 1) * (m + 1) + j + 1] + 1 : Math.max(table[(i + 1) * (m + 1) + j], table[i * (m + 1) + j + 1]);
    }
  }
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (midA[i] === midB[j]) (push(midA[i++], 'same'), j++);
    else if (table[(i + 1) * (m + 1) + j] >= table[i * (m + 1) + j + 1]) push(midA[i++], 'removed');
    else push(midB[j++], 'added');
  }
  while (i < n) push(midA[i++], 'removed');
  while (j < m) push(midB[j++], 'added');
  push(a.slice(endA).join(''), 'same');
  return parts;
}

/** Diff A → B. `exact` is false when the texts were too long to align and only whole lines were compared. */
export function diffWords(a: string, b: string): { parts: DiffPart[]; granularity: 'words' | 'lines' | 'none' } {
  const words = (s: string) => s.split(/(\s+)/).filter((t) => t !== '');
  let parts = lcsDiff(words(a), words(b));
  if (parts.length || (!a && !b)) return { parts, granularity: 'words' };
  const lines = (s: string) => s.split(/(?<=\n)/);
  parts = lcsDiff(lines(a), lines(b));
  if (parts.length) return { parts, granularity: 'lines' };
  return {
    parts: [
      { text: a, kind: 'removed' },
      { text: b, kind: 'added' },
    ],
    granularity: 'none',
  };
}

/** The parts of one side: A shows same + removed, B shows same + added. */
export function sideOf(parts: DiffPart[], side: 'a' | 'b'): DiffPart[] {
  return parts.filter((p) => p.kind === 'same' || (side === 'a' ? p.kind === 'removed' : p.kind === 'added'));
}
