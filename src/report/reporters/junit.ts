// --junit FILE: JUnit XML, one <testsuite> per variant (junit-report.ts streams the results).
import { writeJunitReport } from '../junit-report.js';
import { requireFile } from './require-file.js';
import type { ReporterFactory } from './types.js';

export const junit = {
  fileOption: { name: 'junit', description: 'write a JUnit XML report' },
  create: (options) => {
    const file = requireFile('junit', options);
    return { onRunEnd: (report, store) => writeJunitReport(store, report.runId, file) };
  },
} as const satisfies ReporterFactory;
