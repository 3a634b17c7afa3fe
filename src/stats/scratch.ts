// Working columns reused from one computation to the next instead of made per call: over half a million cases
// each call made megabytes of typed arrays that nothing keeps, and garbage typed arrays wait for V8's
// external-memory limit (~64 MB) before they are collected, so they piled up at the peak of `show` and `diff`
// (issue #22). Two lifetimes: ScratchColumns, owned by one analysis or diff and dropped with it; and one column
// for the paired differences B − A of any caller (withScratchColumn).

/**
 * Named working columns owned by one computation (a run analysis, a diff): a column for a use is reused by every
 * later call for that use, grown when too small. Callers keep nothing of it and never use one name in two
 * computations that run inside each other.
 */
export class ScratchColumns {
  private readonly floats = new Map<string, Float64Array>();
  private readonly ints = new Map<string, Int32Array>();

  /** A Float64Array of at least n slots for `use`. */
  float(use: string, n: number): Float64Array {
    let column = this.floats.get(use);
    if (!column || column.length < n) this.floats.set(use, (column = new Float64Array(n)));
    return column;
  }

  /** An Int32Array of at least n slots for `use`. */
  int(use: string, n: number): Int32Array {
    let column = this.ints.get(use);
    if (!column || column.length < n) this.ints.set(use, (column = new Int32Array(n)));
    return column;
  }
}

// The paired differences' column is held weakly, so a long-lived process (the viewer) does not keep it; a call
// made while it is in use (none today) gets a fresh one, so sharing can never mix two computations' values.

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
