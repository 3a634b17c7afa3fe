// The built-in reporters by name, and how the pipeline and the CLI drive them. A new format is one file in
// this folder plus one line in REPORTERS: its `fileOption` gives it the `--NAME FILE` flag of `evalspec run`
// and `evalspec show` and the `NAME: FILE` option of runSuite().
import type { Plan } from '../../plan/index.js';
import type { Store } from '../../store/index.js';
import type { RunReport } from '../run-report-types.js';
import type { Reporter, ReporterFactory } from './types.js';
import { terminal } from './terminal.js';
import { json } from './json.js';
import { junit } from './junit.js';
import { markdown } from './markdown.js';

export const REPORTERS = { terminal, json, junit, markdown } satisfies Record<string, ReporterFactory>;

export type ReporterName = keyof typeof REPORTERS;

type FileOptionOf<F> = F extends { fileOption: { name: infer N extends string } } ? N : never;

/** The files asked for, by option name: `{ json?: FILE, junit?: FILE, md?: FILE }`. */
export type ReportFileOptions = { [R in ReporterName as FileOptionOf<(typeof REPORTERS)[R]>]?: string };

type FileReporterFactory = ReporterFactory & { fileOption: NonNullable<ReporterFactory['fileOption']> };

/** The formats written to a file, in registry order (the order of the flags and of the writes). */
export const FILE_REPORTERS: readonly FileReporterFactory[] = (Object.values(REPORTERS) as ReporterFactory[]).filter(
  (factory): factory is FileReporterFactory => factory.fileOption !== undefined,
);

/** One reporter per file asked for in `options` (the CLI's parsed flags or runSuite()'s options). */
export function fileReporters(options: ReportFileOptions): Reporter[] {
  const files: Readonly<Record<string, unknown>> = options;
  const reporters: Reporter[] = [];
  for (const factory of FILE_REPORTERS) {
    const file = files[factory.fileOption.name];
    if (typeof file === 'string' && file !== '') reporters.push(factory.create({ file }));
  }
  return reporters;
}

/** Call every reporter's onRunStart, in order. */
export async function reportRunStart(reporters: readonly Reporter[], plan: Plan): Promise<void> {
  for (const reporter of reporters) await reporter.onRunStart?.(plan);
}

/** Call every reporter's onRunEnd, in order: a failed write stops the ones after it (the error says which file). */
export async function reportRunEnd(reporters: readonly Reporter[], report: RunReport, store: Store): Promise<void> {
  for (const reporter of reporters) await reporter.onRunEnd?.(report, store);
}
