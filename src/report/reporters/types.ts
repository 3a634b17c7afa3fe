// The reporter interface, in the style of Vitest's Reporter: optional lifecycle hooks, built-ins chosen by
// name from one registry (registry.ts). Results are streamed to the store while a run executes, and every
// format is rendered from the store when it ends, so the hook that writes is onRunEnd; there is no
// per-result hook.
import type { Plan } from '../../plan/index.js';
import type { Store } from '../../store/index.js';
import type { RunReport } from '../run-report-types.js';

export interface Reporter {
  /** The plan is built and the run is about to execute (not called by `evalspec show`, which runs nothing). */
  onRunStart?(plan: Plan): void | Promise<void>;
  /** The run's report is built from the store: render and write this reporter's output. */
  onRunEnd?(report: RunReport, store: Store): void | Promise<void>;
}

export interface ReporterOptions {
  /** Where a file format writes (the FILE of --json FILE, --junit FILE, --md FILE). */
  file?: string;
  /** Where the terminal reporter writes its text. */
  write?: (text: string) => void;
  /** Terminal: failing cases shown per variant (default 3). */
  failures?: number;
}

export interface ReporterFactory {
  /**
   * A format written to a file: the option name that asks for it, both the CLI flag (`--json FILE`) and the
   * field of runSuite()'s options (`json: FILE`), with the flag's help text. Absent for the terminal.
   */
  fileOption?: { name: string; description: string };
  create(options: ReporterOptions): Reporter;
}
