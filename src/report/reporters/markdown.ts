// --md FILE: a Markdown summary fit for a pull-request comment (markdown-report.ts).
import { writeMarkdownReport } from '../markdown-report.js';
import { requireFile } from './require-file.js';
import type { ReporterFactory } from './types.js';

export const markdown = {
  fileOption: { name: 'md', description: 'write a Markdown summary for a pull-request comment' },
  create: (options) => {
    const file = requireFile('markdown', options);
    return { onRunEnd: (report, store) => writeMarkdownReport(store, report, file) };
  },
} as const satisfies ReporterFactory;
