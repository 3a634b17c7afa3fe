// --json FILE: the machine-readable report (formatVersion 1; json-report.ts streams the results).
import { writeJsonReport } from '../json-report.js';
import { requireFile } from './require-file.js';
import type { ReporterFactory } from './types.js';

export const json = {
  fileOption: { name: 'json', description: 'write the JSON report (formatVersion 1)' },
  create: (options) => {
    const file = requireFile('json', options);
    return { onRunEnd: (report, store) => writeJsonReport(store, report, file) };
  },
} as const satisfies ReporterFactory;
