// Shared flag parsers.
import { EvalspecError } from '../errors.js';

export const positiveInt = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new EvalspecError('USAGE', `${name} must be a positive whole number, got "${value}"`, { hint: `e.g. ${name} 8` });
  return n;
};
