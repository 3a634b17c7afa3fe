// Positions of each tag in a list of tagged items (a run's cases, a diff's case pairs), each tag's positions in
// one Int32Array allocated at its size. Tag lists repeat (a run's cases share a handful of interned arrays), so
// each distinct list is de-duplicated once, not with a Set per case (issue #22: 500,000 Sets at 1M results).

/** De-duplicated tags of a list, remembered by the list's identity (bounded: plain per-case arrays do not pile up). */
function distinctTags(): (tags: readonly string[]) => readonly string[] {
  const known = new Map<readonly string[], readonly string[]>();
  return (tags) => {
    let distinct = known.get(tags);
    if (distinct === undefined) {
      distinct = tags.length < 2 ? tags : [...new Set(tags)];
      if (known.size >= 4096) known.clear();
      known.set(tags, distinct);
    }
    return distinct;
  };
}

/** Each tag's positions 0..n−1 in increasing order, tags in order of first appearance. */
export function positionsByTag(n: number, tagsAt: (position: number) => readonly string[]): Map<string, Int32Array> {
  const distinct = distinctTags();
  const counts = new Map<string, number>();
  for (let k = 0; k < n; k++) for (const tag of distinct(tagsAt(k))) counts.set(tag, (counts.get(tag) ?? 0) + 1);
  const out = new Map<string, Int32Array>();
  const filled = new Map<string, number>();
  for (const [tag, count] of counts) {
    out.set(tag, new Int32Array(count));
    filled.set(tag, 0);
  }
  for (let k = 0; k < n; k++) {
    for (const tag of distinct(tagsAt(k))) {
      const at = filled.get(tag)!;
      out.get(tag)![at] = k;
      filled.set(tag, at + 1);
    }
  }
  return out;
}
