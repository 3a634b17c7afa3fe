// Reports treat model output as hostile: the JUnit XML stays well-formed (checked by a strict parser) with
// counts that match the JSON report, Markdown carries no raw HTML, the terminal gets no escape sequences,
// and the JSON keeps the output byte for byte. The JSON contract uses null for unknown values.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir, writeFiles, jsonl, cleanupTempDirs, type CliResult } from '../helpers/cli.js';
import { jsonReportSchema, type JsonReport } from '../helpers/report-schema.js';
import { parseXml, elements, textOf, XmlError, type XmlElement } from '../helpers/xml.js';

/** Everything that breaks a naive report: HTML, a CDATA terminator, a bare &, NUL, ANSI colour, U+FFFF. */
const HOSTILE = `<script>alert(1)</script> ]]> & AT&T \u0000 \u001b[31mRED\u001b[0m "dq" 'sq' | *bold* \`tick\` \uffff end`;
const HOSTILE_ID = 'id<with>&"quotes"';

const CASES = [
  { id: 'ok', vars: { expected: 'SAFE' } },
  { id: HOSTILE_ID, vars: { expected: 'SAFE' } },
  { id: 'hostile-output', vars: { expected: 'SAFE' } },
  { id: 'hostile-check', vars: { expected: '<script>alert(2)</script>&]]>' } },
  { id: 'throws', vars: { expected: 'SAFE' } },
];
const APP = `const HOSTILE = ${JSON.stringify(HOSTILE)};
export default ({ caseId }) => {
  if (caseId === 'hostile-output') return HOSTILE;
  if (caseId === 'throws') throw new Error(HOSTILE);
  if (caseId === 'hostile-check') return 'plain text';
  return 'SAFE';
};
`;

describe('XML checker (test helper) rejects what real parsers reject', () => {
  it.each([
    ['<a><b></a></b>', /does not match/],
    ['<a/><b/>', /second root/],
    ['<a x=1/>', /malformed attribute/],
    ['<a x="1" x="2"/>', /duplicate attribute/],
    ['<a>&nbsp;</a>', /unknown entity/],
    ['<a>AT&T</a>', /bare "&"/],
    ['<a x="a<b"/>', /raw "<"/],
    ['<a>x]]>y</a>', /"\]\]>"/],
    ['<a>\u0000</a>', /not allowed in XML/],
    ['<a>\u001b[31m</a>', /not allowed in XML/],
    ['<a>\uffff</a>', /not allowed in XML/],
    ['<a>&#0;</a>', /not an XML character/],
    ['<a><b></a>', /does not match/],
    ['<a>', /unclosed/],
    ['text<a/>', /outside the root/],
    ['', /no root/],
  ])('rejects %j', (xml, error) => {
    expect(() => parseXml(xml)).toThrow(XmlError);
    expect(() => parseXml(xml)).toThrow(error);
  });
  it('accepts and decodes a well-formed document', () => {
    const root = parseXml('<?xml version="1.0" encoding="UTF-8"?>\n<r a="&lt;&amp;&quot;&#x41;"><c>x &gt; y<![CDATA[<raw>]]></c><!-- note --><d/></r>\n');
    expect(root.attrs.a).toBe('<&"A');
    expect(elements(root).map((e) => e.name)).toEqual(['c', 'd']);
    expect(textOf(elements(root, 'c')[0])).toBe('x > y<raw>');
  });
});

describe('reports of hostile output', () => {
  let dir: string;
  let run: CliResult;
  let raw: any;
  let report: JsonReport;
  beforeAll(async () => {
    dir = tempDir();
    writeFiles(dir, {
      'evalspec.yaml': `name: hostile
models: [function:./app.mjs]
cases: cases.jsonl
checks: [{ type: contains, value: "{{expected}}" }]
`,
      'cases.jsonl': jsonl(CASES),
      'app.mjs': APP,
    });
    run = await runCli(['run', 'evalspec.yaml', '--json', 'out.json', '--junit', 'out.xml', '--md', 'out.md', '--failures', '10'], { cwd: dir });
    raw = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'));
    report = jsonReportSchema.parse(raw);
  });
  afterAll(() => cleanupTempDirs());

  it('the run itself: exit 3 (one call errored), results as expected', () => {
    expect(run.stderr).not.toContain('internal error');
    expect(run.exitCode, run.stderr).toBe(3);
    const v = report.variants[0];
    expect([v.cases, v.passed, v.failed, v.errors]).toEqual([5, 2, 2, 1]);
  });

  it('JSON keeps the output byte for byte and says null for what is unknown', () => {
    const byId = new Map<string, any>(raw.results.map((r: any) => [r.caseId, r]));
    expect(byId.get('hostile-output').output).toBe(HOSTILE);
    expect(byId.get(HOSTILE_ID).pass).toBe(true);
    expect(byId.get('throws').error).toEqual({ class: 'function-error', message: expect.stringContaining('<script>alert(1)</script>') });
    // A function: model reports no tokens and no cost: unknown, so null, never 0.
    for (const r of raw.results) {
      expect(r.tokens).toEqual({ input: null, output: null });
      expect(r.costUsd).toBeNull();
    }
    const v = report.variants[0];
    expect(v.tokens).toEqual({ input: null, output: null });
    expect(v.costUsd).toBeNull();
    // The errored result counts as not passed: 2 of 5.
    expect(v.passRate).toBeCloseTo(2 / 5, 12);
    expect(v.passRateCi!.low).toBeLessThan(0.4);
  });

  it('JUnit is well-formed XML whose counts match the JSON report', () => {
    const text = readFileSync(join(dir, 'out.xml'), 'utf8');
    let root: XmlElement;
    expect(() => (root = parseXml(text))).not.toThrow();
    root = parseXml(text);
    expect(root.name).toBe('testsuites');
    const v = report.variants[0];
    expect(root.attrs).toMatchObject({ tests: '5', failures: String(v.failed), errors: String(v.errors) });
    const suites = elements(root, 'testsuite');
    expect(suites.map((s) => [s.attrs.name, s.attrs.tests, s.attrs.failures, s.attrs.errors])).toEqual([['app', '5', '2', '1']]);
    const cases = elements(suites[0], 'testcase');
    expect(cases.map((c) => c.attrs.name).sort()).toEqual(report.results.map((r) => r.caseId).sort());
    expect(cases.filter((c) => elements(c, 'failure').length === 1)).toHaveLength(v.failed);
    expect(cases.filter((c) => elements(c, 'error').length === 1)).toHaveLength(v.errors);

    // The hostile text is escaped, not dropped: after decoding it reads as it was, minus the control chars.
    const byName = new Map(cases.map((c) => [c.attrs.name, c]));
    expect(byName.has(HOSTILE_ID)).toBe(true);
    const failure = elements(byName.get('hostile-output')!, 'failure')[0];
    const body = textOf(failure);
    for (const part of ['<script>alert(1)</script>', ']]>', 'AT&T', '"dq"', "'sq'", '[31mRED']) expect(body).toContain(part);
    expect(body).not.toMatch(/[\u0000\u001b\uffff]/);
    expect(elements(byName.get('hostile-check')!, 'failure')[0].attrs.message).toContain('<script>alert(2)</script>&]]>');
    const error = elements(byName.get('throws')!, 'error')[0];
    expect(error.attrs.type).toBe('function-error');
    expect(error.attrs.message).toContain('<script>alert(1)</script>');
    expect(text).not.toContain('<script');
  });

  it('Markdown has no raw HTML from the output, no control characters, and an intact table', () => {
    const md = readFileSync(join(dir, 'out.md'), 'utf8');
    expect(md).not.toMatch(/(?<!\\)<script/i); // `\<script` renders as text
    expect(md).not.toMatch(/[\u0000\u001b]/);
    // The only tags are the report's own collapsible section; every other < is escaped.
    const tags = [...md.matchAll(/(?<!\\)<[^>]*>/g)].map((m) => m[0]);
    expect(new Set(tags)).toEqual(new Set(['<details>', '<summary>', '</summary>', '</details>']));
    // The failing cases are listed (escaped), including the check value with HTML in it.
    expect(md).toContain('hostile-check');
    expect(md).toContain('\\<script\\>alert(2)\\</script\\>');
    expect(md).toContain('error function-error');
    // Table rows keep their 9 columns (paid and list cost): no unescaped | from any text.
    const rows = md.split('\n').filter((l) => l.startsWith('| '));
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const row of rows) expect(row.match(/(?<!\\)\|/g)).toHaveLength(10);
  });

  it('the terminal gets no escape sequences or control characters', () => {
    expect(run.stdout).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/);
    expect(run.stderr).not.toMatch(/\u001b/);
    // The failures are still shown, readable.
    expect(run.stdout).toContain('app · hostile-output: contains: output does not contain "SAFE"');
    expect(run.stdout).toMatch(/output: <script>alert\(1\)<\/script> \]\]> & AT&T (\[31m)?RED/);
    expect(run.stdout).toContain('app · throws: error function-error');
  });

  it('evalspec show re-renders the same JUnit from the store', async () => {
    const show = await runCli(['show', report.runId, '--junit', 'show.xml', '--json', 'show.json'], { cwd: dir });
    expect(show.exitCode, show.stderr).toBe(3); // the stored run is incomplete
    expect(readFileSync(join(dir, 'show.xml'), 'utf8')).toBe(readFileSync(join(dir, 'out.xml'), 'utf8'));
    const again = JSON.parse(readFileSync(join(dir, 'show.json'), 'utf8'));
    expect(again.results).toEqual(raw.results);
    expect(again.variants).toEqual(raw.variants);
    expect(show.stdout).not.toMatch(/\u001b/);
  });
});
