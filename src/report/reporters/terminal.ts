// The summary printed after a run and by `evalspec show` (terminal-report.ts), handed to a writer so the
// CLI decides where it goes (stdout) and when (after the progress line is cleared).
import { renderTerminalReport } from '../terminal-report.js';
import type { ReporterFactory } from './types.js';

export const terminal = {
  create: (options) => {
    const write = options.write ?? ((text: string) => process.stdout.write(text));
    return { onRunEnd: async (report, store) => write(`${await renderTerminalReport(store, report, { failures: options.failures })}\n`) };
  },
} as const satisfies ReporterFactory;
