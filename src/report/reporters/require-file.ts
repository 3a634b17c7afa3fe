import { EvalspecError } from '../../errors.js';
import type { ReporterOptions } from './types.js';

/** A file format created without a file is a programming error of the caller: say which reporter. */
export function requireFile(name: string, options: ReporterOptions): string {
  if (!options.file)
    throw new EvalspecError('USAGE', `the ${name} reporter writes a file, and none was given`, { hint: `pass { file } when creating the ${name} reporter` });
  return options.file;
}
