// Which cases a suite runs (`--suite-part`, issue #18): its own `cases:` (the default), the red-team cases that
// `evalspec redteam generate` wrote to the `redteam:` block's file, or both. A missing part is an error naming the
// command that makes it, never an empty run.
import { existsSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { EvalspecError } from '../errors.js';
import { buildCases, readCaseFile, type Case, type CaseDefaults } from './cases.js';
import { arrayCaseSource, CaseFacts, concatCaseSources, IdHashes, streamedCaseFile, type CaseSource } from './case-source.js';
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

/**
 * The cases of the selected part, in file order (the suite's cases first with `all`), as a source and the facts
 * folded from them. A JSONL cases file is streamed (read again on each pass, nothing per case held); when it
 * cannot be (an error to report, another encoding), every case is read into memory as before.
 */
export function readPartCases(part: SuitePart, src: PartSources): { source: CaseSource; facts: CaseFacts } {
  const files = [...(part === 'redteam' ? [] : [src.cases]), ...(part === 'cases' ? [] : [src.redteam?.casesFile])];
  if (files.every((f) => typeof f === 'string' && ['.jsonl', '.ndjson'].includes(extname(f).toLowerCase()))) {
    const streamed = streamedPartCases(part, src);
    if (streamed) return streamed;
  }
  const cases = partCases(part, src);
  const facts = new CaseFacts();
  for (const c of cases) facts.add(c);
  return { source: arrayCaseSource(cases), facts };
}

function streamedPartCases(part: SuitePart, src: PartSources): { source: CaseSource; facts: CaseFacts } | undefined {
  if (part !== 'redteam' && !existsSync(resolve(src.dir, src.cases as string))) return undefined; // partCases says which
  if (part !== 'cases' && !(src.redteam && existsSync(src.redteam.casesFile))) return undefined;
  const facts = new CaseFacts();
  const ids = new IdHashes(); // ids unique across both parts, as partCases checks
  const context = { tools: src.tools, defaults: src.defaults };
  const own = part === 'redteam' ? undefined : streamedCaseFile(resolve(src.dir, src.cases as string), context, facts, ids);
  if (part !== 'redteam' && !own) return undefined;
  const generated = part === 'cases' ? undefined : streamedCaseFile(src.redteam!.casesFile, context, facts, ids);
  if (part !== 'cases' && !generated) return undefined;
  if (ids.anyRepeated()) return undefined;
  const parts = [own, generated].filter((p): p is CaseSource => p !== undefined);
  return { source: parts.length === 1 ? parts[0] : concatCaseSources(parts), facts };
}

/** The cases of the selected part, read into memory, in file order (the suite's cases first with `all`). */
function partCases(part: SuitePart, src: PartSources): Case[] {
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
