// The import graph of src/ as the TypeScript parser sees it, and the checks of the stage rule
// (docs/architecture.md, "Stages and what they may import"). Pure functions over a list of edges, so the
// test can run them both on the real tree and on synthetic graphs that must fail.
import ts from 'typescript';
import { readFileSync, readdirSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';

/** One import of one file: paths are relative to the root they were collected from, with `/` separators. */
export interface ImportEdge {
  from: string;
  /** The imported file (`.ts` for a `.js` specifier, as NodeNext resolves it), or the package name. */
  to: string;
  /** A package (`node:fs`, `zod`), not one of our files. */
  external: boolean;
  /** `import type`, `export type`, every named binding `type`, or an `import('…').T` type. */
  typeOnly: boolean;
  /** `import('…')` at run time: loaded when that code runs, not with the importing module. */
  dynamic?: boolean;
  line: number;
}

/** A stage may import another one fully (`'run'`) or for its types only (`'score (types)'`). */
export type StageGraph = Readonly<Record<string, readonly string[]>>;

const TYPES_SUFFIX = ' (types)';

/** Every file under `dir` whose name ends with one of `extensions`, relative to `dir`, `/`-separated. */
export function listFiles(dir: string, extensions: readonly string[]): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && extensions.some((ext) => entry.name.endsWith(ext)))
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort();
}

function isTypeOnlyImport(node: ts.ImportDeclaration): boolean {
  const clause = node.importClause;
  if (!clause) return false; // `import './x.js'` runs the module
  if (clause.isTypeOnly) return true;
  const named = clause.namedBindings;
  return !clause.name && named !== undefined && ts.isNamedImports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly);
}

function isTypeOnlyExport(node: ts.ExportDeclaration): boolean {
  if (node.isTypeOnly) return true;
  const named = node.exportClause;
  return named !== undefined && ts.isNamedExports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly);
}

/** Where a relative specifier points, relative to the root; `.js` means the `.ts` source beside it. */
function resolveSpecifier(from: string, specifier: string): string {
  if (!specifier.startsWith('.')) return specifier;
  const joined = posix.normalize(posix.join(posix.dirname(from), specifier));
  return joined.endsWith('.js') ? `${joined.slice(0, -3)}.ts` : joined;
}

/** The imports of one source text: static, re-exports, dynamic `import('…')` and `import('…').T` types. */
export function importsOf(file: string, source: string): ImportEdge[] {
  const sourceFile = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const edges: ImportEdge[] = [];
  const add = (node: ts.Node, specifier: string, typeOnly: boolean, dynamic = false) => {
    const line = sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile)).line + 1;
    edges.push({ from: file, to: resolveSpecifier(file, specifier), external: !specifier.startsWith('.'), typeOnly, ...(dynamic ? { dynamic } : {}), line });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) add(node, node.moduleSpecifier.text, isTypeOnlyImport(node));
    else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier))
      add(node, node.moduleSpecifier.text, isTypeOnlyExport(node));
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [argument] = node.arguments;
      if (argument && ts.isStringLiteralLike(argument)) add(node, argument.text, false, true);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      add(node, node.argument.literal.text, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return edges;
}

/** The imports of every `.ts` file under `root` (paths relative to it). */
export function collectImports(root: string): ImportEdge[] {
  return listFiles(root, ['.ts']).flatMap((file) => importsOf(file, readFileSync(join(root, file), 'utf8')));
}

/** The unit a path belongs to: its top-level folder (a stage, e.g. `run`), or the root file itself (`errors.ts`). */
export function unitOf(path: string): string {
  const slash = path.indexOf('/');
  return slash === -1 ? path : path.slice(0, slash);
}

const isLocal = (edge: ImportEdge) => !edge.external;

function allowance(graph: StageGraph, shared: readonly string[], from: string, to: string): 'all' | 'types' | 'none' {
  if (shared.includes(to)) return 'all';
  const deps = graph[from] ?? [];
  if (deps.includes(to)) return 'all';
  if (deps.includes(to + TYPES_SUFFIX)) return 'types';
  return 'none';
}

/**
 * The stage rule, one message per broken import: every unit is in the graph (and every unit in the graph
 * exists); an import into another stage goes through its `index.ts`; only the graph's edges are used (a
 * `(types)` edge only by type-only imports), but for the `shared` files, which every unit may import.
 */
export function stageViolations(edges: readonly ImportEdge[], graph: StageGraph, shared: readonly string[], units: readonly string[], where: string): string[] {
  const problems: string[] = [];
  const fix = `add it to STAGE_GRAPH in test/architecture/imports.test.ts and to the table in docs/architecture.md`;
  for (const unit of units) if (!(unit in graph)) problems.push(`${where}/${unit} is not in the stage graph: ${fix}`);
  for (const unit of Object.keys(graph))
    if (!units.includes(unit)) problems.push(`the stage graph lists ${unit}, which is not in ${where}/: remove it from the test and the doc`);
  for (const edge of edges.filter(isLocal)) {
    const from = unitOf(edge.from);
    const to = unitOf(edge.to);
    if (from === to) continue;
    const at = `${where}/${edge.from}:${edge.line} imports ${where}/${edge.to}`;
    if (edge.to.includes('/') && edge.to !== `${to}/index.ts`) problems.push(`${at}: import it through ${where}/${to}/index.ts (export it there if it is not)`);
    const allowed = allowance(graph, shared, from, to);
    if (allowed === 'none')
      problems.push(`${at}: ${from} may not import ${to} (the stage graph allows ${from} → ${(graph[from] ?? []).join(', ') || 'nothing'})`);
    else if (allowed === 'types' && !edge.typeOnly) problems.push(`${at}: ${from} may import only types from ${to} (use \`import type\`)`);
  }
  return problems;
}

/** Strongly connected components of more than one node (or a node importing itself): every import cycle. */
export function cycles(nodes: Iterable<string>, links: Iterable<readonly [string, string]>): string[][] {
  const next = new Map<string, Set<string>>();
  for (const node of nodes) next.set(node, new Set());
  for (const [a, b] of links) {
    if (!next.has(a)) next.set(a, new Set());
    if (!next.has(b)) next.set(b, new Set());
    next.get(a)!.add(b);
  }
  // Tarjan's algorithm; recursion depth is at most the number of files (a few hundred).
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const connect = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v)!) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || next.get(v)!.has(v)) found.push(component.sort());
    }
  };
  for (const v of [...next.keys()].sort()) if (!index.has(v)) connect(v);
  return found.sort((a, b) => a[0].localeCompare(b[0]));
}

/** The stage-level links the edges actually use (type-only ones included). */
export function stageLinks(edges: readonly ImportEdge[]): Array<[string, string]> {
  const seen = new Set<string>();
  const links: Array<[string, string]> = [];
  for (const edge of edges.filter(isLocal)) {
    const pair: [string, string] = [unitOf(edge.from), unitOf(edge.to)];
    const key = pair.join('\0');
    if (pair[0] !== pair[1] && !seen.has(key)) {
      seen.add(key);
      links.push(pair);
    }
  }
  return links;
}

/** The graph's own links (a `(types)` edge counts: a type-only cycle is still a cycle). */
export function graphLinks(graph: StageGraph): Array<[string, string]> {
  return Object.entries(graph).flatMap(([from, deps]) => deps.map((dep): [string, string] => [from, dep.replace(TYPES_SUFFIX, '')]));
}

/** The graph as the Markdown table docs/architecture.md carries. */
export function graphTable(graph: StageGraph): string {
  const name = (unit: string) => (unit.endsWith('.ts') ? `\`${unit}\`` : `\`${unit}/\``);
  const dep = (d: string) => (d.endsWith(TYPES_SUFFIX) ? `${name(d.slice(0, -TYPES_SUFFIX.length))} (types only)` : name(d));
  const rows = Object.entries(graph).map(([unit, deps]) => `| ${name(unit)} | ${deps.length ? deps.map(dep).join(', ') : '—'} |`);
  return ['| unit | may import (besides `errors.ts` and `version.ts`) |', '|---|---|', ...rows].join('\n');
}
