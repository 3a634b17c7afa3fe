// `evalspec import promptfoo CONFIG --out DIR`: reads a promptfoo config and the files it references, writes
// DIR/evalspec.yaml (+ DIR/cases.jsonl when there are many tests) and DIR/IMPORT.md, and loads the written
// suite with suite/'s loader so what was written is known to be a valid suite.
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { stringify } from 'yaml';
import { EvalspecError } from '../errors.js';
import { loadSuite } from '../suite/index.js';
import { MISSING_CONTEXT, type PromptfooAssertion } from './assertion-table.js';
import { mapAssertion, type AssertionContext } from './assertions.js';
import { lowerExtension, readConfig, resolveRef, splitFunctionRef, type SourceFile } from './config.js';
import { ImportIssues, type ImportStatus } from './issues.js';
import { importPrompts } from './prompts.js';
import { importProviders, mapProviderId } from './providers.js';
import { renderImportMarkdown, type ImportReport } from './report.js';
import { placeholderNames } from './templates.js';
import { importTests, metadataTags, type ImportedCase, type TestDefaults } from './tests.js';

export interface ImportOptions {
  outDir: string;
  /** Write into a directory that already holds files. */
  force?: boolean;
}

/** promptfoo's default grader when a config names none (its OpenAI default). */
export const DEFAULT_GRADER = 'openai:gpt-4.1';
/** More tests than this go to cases.jsonl rather than inline. */
const INLINE_CASES = 20;

const TOP_LEVEL: Record<string, 'read' | { drop: string; fix: string } | { note: string }> = {
  description: 'read',
  prompts: 'read',
  providers: 'read',
  targets: 'read',
  tests: 'read',
  defaultTest: 'read',
  assertionTemplates: 'read',
  outputPath: { note: 'evalspec stores every run in its store; write reports with run --json / --markdown / --junit' },
  sharing: { note: 'evalspec does not share results to a web service; evalspec view serves them' },
  env: { drop: 'environment variables set in the config', fix: 'set them in the environment; evalspec reads ${VAR} in provider settings' },
  evaluateOptions: { drop: 'evaluation options (concurrency, repeat, cache)', fix: 'set concurrency:, repeat: and retries: in evalspec.yaml' },
  scenarios: { drop: 'scenarios (a config × tests matrix)', fix: 'write one suite per scenario, or add the combinations as cases' },
  redteam: { drop: 'a red-team configuration', fix: 'see docs/safety.md when it exists; red-team generation is not imported' },
  nunjucksFilters: { drop: 'custom Nunjucks filters', fix: 'compute the values into case vars' },
  derivedMetrics: { drop: 'derived metrics', fix: 'compute them from the stored results (evalspec show --json)' },
  extensions: { drop: 'extension hooks', fix: 'run the hook code before or after evalspec run' },
};

function refuseNonEmpty(outDir: string, force: boolean | undefined): void {
  if (force || !existsSync(outDir)) return;
  if (readdirSync(outDir).length === 0) return;
  throw new EvalspecError('USAGE', `the output directory ${outDir} is not empty`, {
    hint: 'choose a new directory with --out, or pass --force to write over the files there',
  });
}

function suiteName(config: SourceFile): string {
  const description = (config.data as { description?: unknown }).description;
  const base = typeof description === 'string' && description.trim() ? description : basename(dirname(config.path));
  const flat = base.replace(/\s+/g, ' ').trim();
  // A long description is cut at a word, not mid-word.
  return (flat.length > 80 ? flat.slice(0, 80).replace(/\s+\S*$/, '') : flat) || 'imported-promptfoo';
}

export function importPromptfoo(configPath: string, options: ImportOptions): ImportReport {
  const config = readConfig(configPath);
  const outDir = resolve(options.outDir);
  refuseNonEmpty(outDir, options.force);
  const issues = new ImportIssues();
  const data = config.data as Record<string, unknown>;
  for (const [key, value] of Object.entries(data)) {
    const rule = TOP_LEVEL[key];
    const where = { file: config.file, line: config.lineOf([key]), key };
    if (rule === 'read' || value === undefined) continue;
    if (rule === undefined)
      issues.drop({ ...where, reason: `the config key "${key}" has no evalspec equivalent`, fix: 'see docs/suite-format.md for what a suite holds' });
    else if ('note' in rule) issues.note({ ...where, reason: rule.note, fix: '' });
    else issues.drop({ ...where, reason: rule.drop, fix: rule.fix });
  }

  // Graders: an assertion's provider, else its test's options.provider, else defaultTest's, else promptfoo's default.
  let defaultUsed = false;
  const graderOf = (provider: unknown, where: { file: string; line?: number; key: string }): string | undefined => {
    if (provider === undefined) return undefined;
    const id = typeof provider === 'string' ? provider : (provider as { id?: unknown } | null)?.id;
    const mapped = typeof id === 'string' ? mapProviderId(id) : undefined;
    if (mapped && !mapped.startsWith('function:')) return mapped;
    issues.drop({
      ...where,
      reason: `the grader ${typeof id === 'string' ? id : '(not an id)'} has no evalspec equivalent; ${DEFAULT_GRADER} grades instead`,
      fix: 'set judge: on the judge checks',
    });
    return undefined;
  };
  const defaultTest = (data.defaultTest && typeof data.defaultTest === 'object' ? data.defaultTest : {}) as Record<string, unknown>;
  const suiteGrader = graderOf((defaultTest.options as { provider?: unknown } | undefined)?.provider, {
    file: config.file,
    line: config.lineOf(['defaultTest', 'options', 'provider']),
    key: 'defaultTest.options.provider',
  });
  let testGrader: string | undefined;
  const copies = new Map<string, string>(); // absolute source → path relative to outDir
  const ctx: AssertionContext = {
    issues,
    templates: (data.assertionTemplates ?? {}) as Record<string, unknown>,
    grader: (a: PromptfooAssertion, where) => {
      const own = graderOf(a.provider, where ?? { file: config.file, key: 'assert.provider' });
      const chosen = own ?? testGrader ?? suiteGrader;
      if (chosen) return chosen;
      defaultUsed = true;
      return DEFAULT_GRADER;
    },
    codeFile: (ref) => {
      const { path, name } = splitFunctionRef(ref);
      const abs = resolveRef(config, path);
      if (!['.js', '.mjs', '.cjs'].includes(lowerExtension(abs))) return { unsupported: `the check module ${ref} is not JavaScript (.js, .mjs, .cjs)` };
      if (!existsSync(abs)) return { unsupported: `the check module ${ref} does not exist` };
      const missing = MISSING_CONTEXT.exec(readFileSync(abs, 'utf8'));
      if (missing && !copies.has(abs)) {
        issues.note({
          file: config.file,
          key: `javascript ${ref}`,
          reason: `the module reads context.${missing[1]}, which evalspec's javascript checks do not have (it is undefined there)`,
          fix: 'use context.vars, context.messages and output instead (docs/checks.md "javascript")',
        });
      }
      const rel = relative(dirname(config.path), abs);
      copies.set(abs, rel.startsWith('..') ? basename(abs) : rel);
      return { file: copies.get(abs)!, ...(name ? { name } : {}) };
    },
  };

  // defaultTest: vars and threshold under every case, its assertions the suite's checks.
  if (typeof data.defaultTest === 'string') {
    issues.drop({
      file: config.file,
      line: config.lineOf(['defaultTest']),
      key: 'defaultTest',
      reason: 'defaultTest read from a file',
      fix: 'inline it in the config and import again',
    });
  }
  if (defaultTest.assert !== undefined && !Array.isArray(defaultTest.assert)) {
    issues.drop({
      file: config.file,
      line: config.lineOf(['defaultTest', 'assert']),
      key: 'defaultTest.assert',
      reason: 'assert: is not a list',
      fix: 'write the checks as a list',
    });
  }
  const suiteChecks = (Array.isArray(defaultTest.assert) ? defaultTest.assert : []).flatMap((a, j) => {
    const spec = mapAssertion(a, { file: config.file, line: config.lineOf(['defaultTest', 'assert', j]), key: `defaultTest.assert[${j}]` }, ctx);
    return spec ? [spec] : [];
  });
  for (const key of Object.keys(defaultTest)) {
    if (['vars', 'assert', 'options', 'threshold', 'metadata'].includes(key)) continue;
    issues.drop({
      file: config.file,
      line: config.lineOf(['defaultTest', key]),
      key: `defaultTest.${key}`,
      reason: `the defaultTest key "${key}" has no evalspec equivalent`,
      fix: 'edit the cases by hand',
    });
  }
  for (const key of Object.keys((defaultTest.options ?? {}) as object)) {
    if (key === 'provider') continue;
    issues.drop({
      file: config.file,
      line: config.lineOf(['defaultTest', 'options', key]),
      key: `defaultTest.options.${key}`,
      reason: key === 'transform' ? 'a transform of every output before its checks' : `the option "${key}" has no evalspec equivalent`,
      fix:
        key === 'transform' ? 'fold the transform into javascript checks, or return the transformed output from a function: model' : 'edit the suite by hand',
    });
  }
  const defaults: TestDefaults = {
    vars: (defaultTest.vars && typeof defaultTest.vars === 'object' ? defaultTest.vars : {}) as Record<string, unknown>,
    threshold: typeof defaultTest.threshold === 'number' ? defaultTest.threshold : undefined,
    tags: metadataTags(defaultTest.metadata),
  };
  if (defaultTest.vars !== undefined && (typeof defaultTest.vars !== 'object' || Array.isArray(defaultTest.vars))) {
    issues.drop({
      file: config.file,
      line: config.lineOf(['defaultTest', 'vars']),
      key: 'defaultTest.vars',
      reason: 'vars that are not a mapping (e.g. read from a file)',
      fix: 'write the vars out under defaultTest.vars',
    });
  }

  const prompts = importPrompts(config, issues);
  const { models, files } = importProviders(config, issues);
  const cases = importTests(config, ctx, defaults, (test, where) => {
    testGrader = graderOf((test.options as { provider?: unknown } | undefined)?.provider, where);
  });
  if (data.tests === undefined) cases.push({ id: 't1', vars: { ...defaults.vars }, provenance: { source: 'promptfoo', file: config.file } });
  if (defaultUsed) {
    issues.note({
      file: config.file,
      key: 'grader',
      reason: `model-graded checks are judged by ${DEFAULT_GRADER} (promptfoo's default grader; the config names none)`,
      fix: 'set judge: to change it',
    });
  }
  fillMissingVars(cases, prompts, suiteChecks, issues);

  const status: ImportStatus = models.length === 0 || prompts.length === 0 || cases.length === 0 ? 'none' : issues.dropped.length > 0 ? 'partial' : 'full';
  const written: string[] = [];
  mkdirSync(outDir, { recursive: true });
  const write = (name: string, text: string) => {
    mkdirSync(dirname(join(outDir, name)), { recursive: true });
    writeFileSync(join(outDir, name), text);
    written.push(name);
  };
  if (status !== 'none') {
    const inline = cases.length <= INLINE_CASES;
    const suite = {
      name: suiteName(config),
      description: `Imported from the promptfoo config ${basename(config.path)} (see IMPORT.md for what was not carried over).`,
      models: models.map((m) => (m.label || m.params ? { id: m.id, ...(m.label ? { label: m.label } : {}), ...(m.params ? { params: m.params } : {}) } : m.id)),
      prompts,
      ...(suiteChecks.length ? { checks: suiteChecks } : {}),
      cases: inline ? cases : 'cases.jsonl',
    };
    write('evalspec.yaml', `# Imported by \`evalspec import promptfoo ${basename(config.path)}\`: see IMPORT.md.\n${stringify(suite, { lineWidth: 0 })}`);
    if (!inline) write('cases.jsonl', `${cases.map((c) => JSON.stringify(c)).join('\n')}\n`);
    for (const [name, text] of Object.entries(files)) write(name, text);
    for (const [abs, rel] of copies) {
      mkdirSync(dirname(join(outDir, rel)), { recursive: true });
      copyFileSync(abs, join(outDir, rel));
      written.push(rel);
    }
  }
  const report: ImportReport = {
    status,
    config: config.file,
    outDir: options.outDir,
    written,
    counts: {
      prompts: prompts.length,
      models: models.length,
      cases: cases.length,
      suiteChecks: suiteChecks.length,
      caseChecks: cases.reduce((n, c) => n + (c.checks?.length ?? 0), 0),
    },
    dropped: issues.dropped,
    notes: issues.notes,
  };
  report.written.push('IMPORT.md');
  writeFileSync(join(outDir, 'IMPORT.md'), renderImportMarkdown(report));
  // The written suite must load: a failure here is the importer's bug, reported as evalspec's own error.
  if (status !== 'none') loadSuite(join(outDir, 'evalspec.yaml'));
  return report;
}

/**
 * promptfoo renders a variable a test lacks as empty text; evalspec refuses a missing variable. Give such cases
 * the variable as "" (one note per variable), so the imported suite runs as promptfoo did.
 */
function fillMissingVars(cases: ImportedCase[], prompts: { messages: { content: string }[] }[], suiteChecks: unknown[], issues: ImportIssues): void {
  const texts = [...prompts.flatMap((p) => p.messages.map((m) => m.content)), JSON.stringify(suiteChecks)];
  const shared = new Set(texts.flatMap(placeholderNames));
  const filled = new Set<string>();
  for (const c of cases) {
    const names = new Set([...shared, ...placeholderNames(JSON.stringify(c.checks ?? []))]);
    for (const name of names) {
      if (name in c.vars) continue;
      c.vars[name] = '';
      if (!filled.has(name)) {
        filled.add(name);
        issues.note({
          file: c.provenance.file,
          line: c.provenance.line,
          key: `vars.${name}`,
          reason: `some tests lack "${name}", which promptfoo renders as empty text: those cases have ${name}: ""`,
          fix: 'give them a value',
        });
      }
    }
  }
}
