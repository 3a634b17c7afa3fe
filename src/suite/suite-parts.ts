// Which cases a suite runs (`--suite-part`, issue #18): its own `cases:` (the default), the red-team cases that
// `evalspec redteam generate` wrote to the `redteam:` block's file, or both. A missing part is an error naming the
// command that makes it, never an empty run.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { EvalspecError } from '../errors.js';
import { buildCases, readCaseFile, type Case, type CaseDefaults } from './cases.js';
import type { RedteamSpec, SuitePart, SuiteRedteam } from './redteam-schema.js';

type LineOf = (path: (string | number)[]) => number | undefined;

export function resolveRedteam(spec: RedteamSpec | undefined, where: { dir: string; lineOf: LineOf }): SuiteRedteam | undefined {
  if (!spec) return undefined;
  return { spec, casesFile: resolve(where.dir, spec.cases), line: where.lineOf(['redteam']) };
}

interface PartSources {
  file: string;
  dir: string;
  lineOf: LineOf;
  cases: string | unknown[];
  redteam: SuiteRedteam | undefined;
  tools: readonly { name: string }[];
  defaults: CaseDefaults;
}

/** The cases of the selected part, in file order (the suite's cases first with `all`). */
export function readPartCases(part: SuitePart, src: PartSources): Case[] {
  const own = part === 'redteam' ? [] : suiteCases(src);
  if (part === 'cases') return own;
  const generated = redteamCases(src);
  const ids = new Set(own.map((c) => c.id));
  const clash = generated.find((c) => ids.has(c.id));
  if (clash) {
    throw new EvalspecError('CASES_SCHEMA', `case id "${clash.id}" is both a suite case and a red-team case`, {
      file: clash.source.file,
      line: clash.source.line,
      caseId: clash.id,
      hint: 'rename one of them: results, resume and diffs are keyed by case id',
    });
  }
  return [...own, ...generated];
}

function suiteCases(src: PartSources): Case[] {
  if (typeof src.cases === 'string') {
    const casesFile = resolve(src.dir, src.cases);
    if (!existsSync(casesFile)) {
      throw new EvalspecError('CASES_FILE', `cases file not found: ${casesFile}`, {
        file: src.file,
        line: src.lineOf(['cases']),
        hint: 'check the "cases:" path in the suite (it is relative to the suite file)',
      });
    }
    return buildCases(readCaseFile(casesFile), casesFile, undefined, src.tools, src.defaults);
  }
  return buildCases(
    src.cases.map((value) => ({ value })),
    src.file,
    (i) => src.lineOf(['cases', i]),
    src.tools,
    src.defaults,
  );
}

function redteamCases(src: PartSources): Case[] {
  if (!src.redteam) {
    throw new EvalspecError('SUITE_SCHEMA', 'the suite has no redteam: block, so it has no red-team cases to run', {
      file: src.file,
      hint: 'add one with `evalspec redteam init SUITE`, generate the cases with `evalspec redteam generate SUITE`, or run without --suite-part',
    });
  }
  const { casesFile, line } = src.redteam;
  if (!existsSync(casesFile)) {
    throw new EvalspecError('CASES_FILE', `red-team cases file not found: ${casesFile}`, {
      file: src.file,
      line,
      hint: "generate it with `evalspec redteam generate SUITE` (the path is the redteam: block's cases:, relative to the suite file)",
    });
  }
  return buildCases(readCaseFile(casesFile), casesFile, undefined, src.tools, src.defaults);
}
