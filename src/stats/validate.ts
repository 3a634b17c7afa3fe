// Input checks shared by the estimators. A wrong call (level 95 instead of 0.95, 21 successes out of 20)
// is a programming error, so it throws a RangeError that names the argument and the value received.
// "No data" is not an error: estimators return undefined for it.

export function assertLevel(level: number, name = 'level'): void {
  if (!(level > 0 && level < 1)) {
    throw new RangeError(`${name} must be between 0 and 1 (e.g. 0.95), got ${level}`);
  }
}

export function assertProbability(value: number, name: string): void {
  if (!(value > 0 && value < 1)) throw new RangeError(`${name} must be strictly between 0 and 1, got ${value}`);
}

export function assertCount(value: number, name: string): void {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`${name} must be a whole number ≥ 0, got ${value}`);
}

export function assertSuccesses(successes: number, n: number): void {
  assertCount(n, 'n');
  assertCount(successes, 'successes');
  if (successes > n) throw new RangeError(`successes (${successes}) cannot exceed n (${n})`);
}

export function assertFiniteValues(values: ArrayLike<number>, name: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new RangeError(`${name}[${i}] must be a finite number, got ${values[i]}`);
  }
}

export function assertSameLength(a: ArrayLike<unknown>, b: ArrayLike<unknown>, names: string): void {
  if (a.length !== b.length) throw new RangeError(`${names} must have the same length, got ${a.length} and ${b.length}`);
}
