// One working column for estimators that need a per-case array only while they compute (the paired differences
// B − A): back-to-back calls over half a million cases made 4 MB of garbage each, and garbage typed arrays wait
// for V8's external-memory limit (~64 MB) before they are collected, so they piled up at the peak of `show` and
// `diff` (issue #22). Held weakly, so a long-lived process (the viewer) does not keep it; a call made while
// the column is in use (none today) gets a fresh one, so sharing can never mix two computations' values.

let kept: WeakRef<Float64Array> | undefined;
let busy = false;

/** Run `use` with a column of exactly n slots whose contents are undefined (the caller fills it); nothing may keep it. */
export function withScratchColumn<T>(n: number, use: (column: Float64Array) => T): T {
  if (busy) return use(new Float64Array(n));
  let column = kept?.deref();
  if (!column || column.length < n) {
    column = new Float64Array(n);
    kept = new WeakRef(column);
  }
  busy = true;
  try {
    return use(column.subarray(0, n));
  } finally {
    busy = false;
  }
}
