// Reading a promptfoo config and the files it references (`file://…`), keeping line numbers (suite/'s YAML
// source map) so every reported item points at the line to look at.
import { existsSync } from 'node:fs';
import { dirname, extname, relative, resolve } from 'node:path';
import { EvalspecError } from '../errors.js';
import { parseYamlWithLines, readTextFile } from '../suite/index.js';

export type YamlPath = readonly (string | number)[];

/** A parsed file: its data, where it is, and the line of a value in it. */
export interface SourceFile {
  data: unknown;
  /** The path as shown to the user (relative to the working directory when inside it). */
  file: string;
  /** Absolute path. */
  path: string;
  lineOf(path: YamlPath): number | undefined;
}

export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
}

/** Reads and parses a YAML (or JSON, a subset of YAML) file with line numbers. */
export function readYamlFile(path: string): SourceFile {
  const abs = resolve(path);
  const text = readTextFile(abs, 'SUITE_YAML');
  const { data, lineOf } = parseYamlWithLines(text, displayPath(abs));
  return { data, file: displayPath(abs), path: abs, lineOf };
}

export function readConfig(configPath: string): SourceFile {
  const abs = resolve(configPath);
  if (!existsSync(abs)) {
    throw new EvalspecError('SUITE_NOT_FOUND', `promptfoo config not found: ${configPath}`, {
      file: configPath,
      hint: 'pass the path of a promptfooconfig.yaml, e.g. evalspec import promptfoo promptfooconfig.yaml --out imported/',
    });
  }
  const config = readYamlFile(abs);
  if (config.data === null || typeof config.data !== 'object' || Array.isArray(config.data)) {
    throw new EvalspecError('SUITE_SCHEMA', 'a promptfoo config is a YAML mapping (prompts:, providers:, tests:)', {
      file: config.file,
      line: 1,
      hint: 'pass the promptfooconfig.yaml itself, not a tests or prompts file',
    });
  }
  return config;
}

/** The path of a `file://` reference (undefined for anything else). */
export function fileRef(value: unknown): string | undefined {
  return typeof value === 'string' && value.startsWith('file://') ? value.slice('file://'.length) : undefined;
}

/** promptfoo's `file://path:name` names an export of a code file; split it (only for code extensions). */
export function splitFunctionRef(ref: string): { path: string; name?: string } {
  const match = /^(.*\.(?:js|mjs|cjs|ts|py))(?::([\w$]+))?$/.exec(ref);
  return match ? { path: match[1], name: match[2] } : { path: ref };
}

/** Resolves a reference against the directory of the file that holds it. */
export function resolveRef(from: SourceFile, ref: string): string {
  return resolve(dirname(from.path), ref);
}

export function lowerExtension(path: string): string {
  return extname(path).toLowerCase();
}

/** Is there a glob in the reference? promptfoo expands them; the importer lists them. */
export function isGlob(ref: string): boolean {
  return /[*?[\]{}]/.test(ref);
}
