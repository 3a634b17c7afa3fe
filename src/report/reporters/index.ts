// Reporters: one file per format, chosen by name from REPORTERS (registry.ts).
export { REPORTERS, FILE_REPORTERS, fileReporters, reportRunStart, reportRunEnd, type ReporterName, type ReportFileOptions } from './registry.js';
export type { Reporter, ReporterFactory, ReporterOptions } from './types.js';
