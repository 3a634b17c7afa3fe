// A check that Markdown meant for GitHub is well-formed GFM: every table row keeps the header's column count
// (escaped pipes do not count), tables and <details> blocks have the blank lines GitHub needs, and the only HTML
// is our own (<details>, <summary>, <br>, <sub>): model outputs are escaped, mentions defused.
import { expect } from 'vitest';

export function expectValidGfm(text: string): void {
  const lines = text.split('\n');
  const cells = (line: string) => line.replace(/\\\|/g, '').split('|').length;
  for (let k = 0; k < lines.length; k++) {
    if (/^\|---/.test(lines[k])) {
      const width = cells(lines[k - 1]);
      expect(cells(lines[k]), lines[k - 1]).toBe(width);
      for (let j = k + 1; j < lines.length && lines[j].startsWith('|'); j++) expect(cells(lines[j]), lines[j]).toBe(width);
      expect(lines[k - 2] ?? '', 'a blank line before a table').toBe('');
    }
    if (lines[k].startsWith('<details>')) expect(lines[k + 1], 'a blank line after <summary>').toBe('');
    if (lines[k] === '</details>') expect(lines[k - 1], 'a blank line before </details>').toBe('');
  }
  const tags = [...text.matchAll(/(?<!\\)<\/?([a-zA-Z]+)/g)].map((m) => m[1]);
  expect(new Set(tags)).toEqual(new Set(tags.filter((t) => ['details', 'summary', 'br', 'sub'].includes(t))));
  // A mention of a team or user would ping it: a zero-width space after every @ defuses it.
  expect(text).not.toMatch(/@[A-Za-z]/);
}
