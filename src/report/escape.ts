// Model outputs are untrusted text: every format escapes them for its own syntax.

// C0 controls other than tab/newline/carriage return are not allowed in XML 1.0, and confuse terminals.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

export function stripControl(text: string): string {
  return text.replace(CONTROL, '');
}

// U+FFFE and U+FFFF are not XML characters either (a single one makes the whole JUnit file unparseable).
const NON_XML = /[\ufffe\uffff]/g;

export function escapeXml(text: string): string {
  return stripControl(text)
    .replace(NON_XML, '')
    .replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** For a Markdown table cell or list item: no HTML, no table breaks, no code-span escapes, one line. */
export function escapeMarkdownInline(text: string, max = 160): string {
  const flat = stripControl(text).replace(/\s+/g, ' ').trim();
  const cut = flat.length > max ? `${flat.slice(0, max)}…` : flat;
  return cut
    .replace(/[\\`*_[\]<>|~]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/@/g, '@\u200b'); // a zero-width space stops @-mentions
}

/**
 * A Markdown code span around untrusted text. Backslash escapes are not processed inside a code span (they
 * would show literally), so the text goes in as is, fenced by more backticks than it contains in a row; in
 * a GFM table a "|" must still be written "\|" (table cells are split before code spans are parsed).
 */
export function markdownCode(text: string, max = 160, options: { table?: boolean } = {}): string {
  const flat = stripControl(text).replace(/\s+/g, ' ').trim();
  let body = flat.length > max ? `${flat.slice(0, max)}…` : flat;
  if (options.table) body = body.replace(/\|/g, '\\|');
  const longestRun = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  // A space on each side keeps a leading or trailing backtick from joining the fence (CommonMark strips one).
  const pad = body.startsWith('`') || body.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${body || ' '}${pad}${fence}`;
}

/** For terminal output: no escape sequences can reach the terminal from a model output. */
export function escapeTerminal(text: string, max = 120): string {
  const flat = text
    // eslint-disable-next-line no-control-regex
    .replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, '')
    .replace(CONTROL, '')
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

/** For HTML text and attribute values: the five special characters as entities, control characters removed. */
export function escapeHtml(text: string): string {
  return stripControl(text).replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' })[c]!);
}
