// Every entry of the shared reference must be exercised by some test in this folder. "Exercised" is read from
// the code, parsed by TypeScript: the name is passed to referenceEntry('…'), or listed in a describe.each /
// it.each whose callback calls referenceEntry. A name in a comment, a title or any other string does not count.
import { readdirSync, readFileSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { allReferenceNames } from './reference-helpers.js';

const isReferenceEntryCall = (node: ts.Node): node is ts.CallExpression =>
  ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'referenceEntry';

const callsReferenceEntry = (node: ts.Node): boolean =>
  isReferenceEntryCall(node) || ts.forEachChild(node, (child) => callsReferenceEntry(child) || undefined) === true;

/** The reference names a test source uses in code (see the top of this file). */
function referenceNamesUsed(source: string, fileName = 'test.ts'): Set<string> {
  const names = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (isReferenceEntryCall(node)) {
      const [name] = node.arguments;
      if (name && ts.isStringLiteralLike(name)) names.add(name.text);
    }
    // describe.each(['a', 'b'])('%s', (name) => { … referenceEntry(name) … })
    if (ts.isCallExpression(node) && ts.isCallExpression(node.expression)) {
      const each = node.expression;
      const [list] = each.arguments;
      const isEach = ts.isPropertyAccessExpression(each.expression) && each.expression.name.text === 'each';
      if (isEach && list && ts.isArrayLiteralExpression(list) && node.arguments.some(callsReferenceEntry)) {
        for (const element of list.elements) if (ts.isStringLiteralLike(element)) names.add(element.text);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS));
  return names;
}

describe('reference.json coverage', () => {
  const folder = new URL('./', import.meta.url);
  const used = new Set(
    readdirSync(folder)
      .filter((file) => file.endsWith('.test.ts') && file !== 'reference-coverage.test.ts')
      .flatMap((file) => [...referenceNamesUsed(readFileSync(new URL(file, folder), 'utf8'), file)]),
  );

  it.each(allReferenceNames)('%s is tested', (name) => {
    expect(used.has(name)).toBe(true);
  });

  it('holds all 18 shared entries', () => {
    expect(allReferenceNames).toHaveLength(18);
  });

  it('counts names used in code, not names in comments, titles or other strings', () => {
    const source = `
      // referenceEntry('in_a_line_comment')
      /* describe.each(['in_a_block_comment']) */
      const entry = referenceEntry('direct');
      const template = referenceEntry(\`template\`);
      it('title naming not_a_use', () => expect(label).toBe('plain_string'));
      describe.each(['listed_a', 'listed_b'])('%s', (name) => { const e = referenceEntry(name); });
      it.each(['each_without_reference'])('%s', (name) => expect(name).toBeTruthy());
    `;
    expect([...referenceNamesUsed(source)].sort()).toEqual(['direct', 'listed_a', 'listed_b', 'template']);
  });
});
