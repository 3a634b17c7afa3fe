// The report-file flags of `evalspec run` and `evalspec show`, one per file format of the reporter registry
// (src/report/reporters/): --json FILE, --junit FILE, --md FILE.
import type { Command } from 'commander';
import { FILE_REPORTERS, type ReportFileOptions } from '../report/index.js';

export function addReportFileOptions(command: Command): Command {
  for (const { fileOption } of FILE_REPORTERS) command.option(`--${fileOption.name} <file>`, fileOption.description);
  return command;
}

/** The report files among a command's parsed flags, as runSuite() takes them. */
export function reportFileOptions(opts: Readonly<Record<string, unknown>>): ReportFileOptions {
  const files: Record<string, string> = {};
  for (const { fileOption } of FILE_REPORTERS) {
    const file = opts[fileOption.name];
    if (typeof file === 'string') files[fileOption.name] = file;
  }
  return files;
}
