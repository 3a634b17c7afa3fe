// A small, strict XML 1.0 well-formedness checker and parser for the JUnit report (no XML parser is
// installed). It rejects what real parsers reject: anything but one root element, unbalanced or
// mismatched tags, unquoted or duplicate attributes, `<` or a bare `&` in text or attribute values, named
// entities other than the five predefined ones, `]]>` in text, and characters XML 1.0 does not allow
// (NUL, ESC and the other C0 controls except tab, LF and CR). It returns the element tree with text and
// attribute values decoded, so tests can compare them with the JSON report.

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: (XmlElement | string)[];
}

export class XmlError extends Error {}

const NAME = /^[A-Za-z_:][-A-Za-z0-9_:.]*/;
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function isXmlChar(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

function lineAt(text: string, pos: number): number {
  return text.slice(0, pos).split('\n').length;
}

/** Decode character data (text or an attribute value), rejecting what XML forbids there. */
function decode(raw: string, where: string, inAttribute: boolean): string {
  if (raw.includes('<')) throw new XmlError(`raw "<" in ${where}`);
  if (!inAttribute && raw.includes(']]>')) throw new XmlError(`"]]>" in text of ${where}`);
  return raw.replace(/&([^;&\s]*);?/g, (match, ref: string) => {
    if (!match.endsWith(';')) throw new XmlError(`bare "&" in ${where}: ${JSON.stringify(match)}`);
    if (ref in ENTITIES) return ENTITIES[ref];
    const num = /^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(ref);
    if (!num) throw new XmlError(`unknown entity &${ref}; in ${where}`);
    const cp = num[1] !== undefined ? parseInt(num[1], 16) : parseInt(num[2], 10);
    if (!isXmlChar(cp)) throw new XmlError(`character reference &${ref}; is not an XML character (${where})`);
    return String.fromCodePoint(cp);
  });
}

export function parseXml(text: string): XmlElement {
  for (let i = 0; i < text.length; i++) {
    const cp = text.codePointAt(i)!;
    if (!isXmlChar(cp)) throw new XmlError(`character U+${cp.toString(16).padStart(4, '0')} is not allowed in XML (line ${lineAt(text, i)})`);
    if (cp > 0xffff) i++;
  }
  let pos = 0;
  if (text.startsWith('<?xml')) {
    const end = text.indexOf('?>');
    if (end < 0) throw new XmlError('unterminated XML declaration');
    if (!/^<\?xml\s+version="1\.[0-9]"(\s+encoding="[A-Za-z][-\w.]*")?(\s+standalone="(yes|no)")?\s*\?>$/.test(text.slice(0, end + 2))) {
      throw new XmlError(`malformed XML declaration: ${text.slice(0, end + 2)}`);
    }
    pos = end + 2;
  }
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let rootClosed = false;

  const addText = (raw: string) => {
    if (raw === '') return;
    if (stack.length === 0) {
      if (raw.trim() !== '') throw new XmlError(`text outside the root element at line ${lineAt(text, pos)}: ${JSON.stringify(raw.trim().slice(0, 40))}`);
      return;
    }
    const top = stack[stack.length - 1];
    top.children.push(decode(raw, `<${top.name}>`, false));
  };

  while (pos < text.length) {
    const lt = text.indexOf('<', pos);
    if (lt < 0) {
      addText(text.slice(pos));
      break;
    }
    addText(text.slice(pos, lt));
    pos = lt;
    if (text.startsWith('<!--', pos)) {
      const end = text.indexOf('-->', pos + 4);
      if (end < 0) throw new XmlError('unterminated comment');
      if (text.slice(pos + 4, end).includes('--')) throw new XmlError('"--" inside a comment');
      pos = end + 3;
    } else if (text.startsWith('<![CDATA[', pos)) {
      if (stack.length === 0) throw new XmlError('CDATA outside the root element');
      const end = text.indexOf(']]>', pos + 9);
      if (end < 0) throw new XmlError('unterminated CDATA section');
      stack[stack.length - 1].children.push(text.slice(pos + 9, end));
      pos = end + 3;
    } else if (text.startsWith('<?', pos) || text.startsWith('<!', pos)) {
      throw new XmlError(`unexpected markup at line ${lineAt(text, pos)}: ${text.slice(pos, pos + 20)}`);
    } else if (text.startsWith('</', pos)) {
      const m = NAME.exec(text.slice(pos + 2));
      if (!m) throw new XmlError(`malformed end tag at line ${lineAt(text, pos)}`);
      const after = pos + 2 + m[0].length;
      const gt = /^\s*>/.exec(text.slice(after));
      if (!gt) throw new XmlError(`malformed end tag </${m[0]} at line ${lineAt(text, pos)}`);
      const open = stack.pop();
      if (!open) throw new XmlError(`end tag </${m[0]}> without a start tag at line ${lineAt(text, pos)}`);
      if (open.name !== m[0]) throw new XmlError(`end tag </${m[0]}> does not match <${open.name}> at line ${lineAt(text, pos)}`);
      if (stack.length === 0) rootClosed = true;
      pos = after + gt[0].length;
    } else {
      const m = NAME.exec(text.slice(pos + 1));
      if (!m) throw new XmlError(`malformed start tag at line ${lineAt(text, pos)}: ${JSON.stringify(text.slice(pos, pos + 20))}`);
      if (stack.length === 0 && (root || rootClosed)) throw new XmlError(`a second root element <${m[0]}> at line ${lineAt(text, pos)}`);
      const el: XmlElement = { name: m[0], attrs: {}, children: [] };
      pos += 1 + m[0].length;
      for (;;) {
        const ws = /^\s*/.exec(text.slice(pos))![0];
        pos += ws.length;
        if (text.startsWith('/>', pos) || text.startsWith('>', pos)) break;
        if (ws === '') throw new XmlError(`attributes of <${el.name}> must be separated by whitespace (line ${lineAt(text, pos)})`);
        const a = /^([A-Za-z_:][-A-Za-z0-9_:.]*)\s*=\s*("([^"]*)"|'([^']*)')/.exec(text.slice(pos));
        if (!a) throw new XmlError(`malformed attribute in <${el.name}> at line ${lineAt(text, pos)}: ${JSON.stringify(text.slice(pos, pos + 30))}`);
        if (a[1] in el.attrs) throw new XmlError(`duplicate attribute ${a[1]} in <${el.name}>`);
        el.attrs[a[1]] = decode(a[3] ?? a[4], `attribute ${a[1]} of <${el.name}>`, true);
        pos += a[0].length;
      }
      if (stack.length) stack[stack.length - 1].children.push(el);
      else root = el;
      if (text.startsWith('/>', pos)) {
        pos += 2;
        if (stack.length === 0) rootClosed = true;
      } else {
        pos += 1;
        stack.push(el);
      }
    }
  }
  if (stack.length) throw new XmlError(`unclosed element <${stack[stack.length - 1].name}>`);
  if (!root) throw new XmlError('no root element');
  return root;
}

/** Child elements, optionally by name. */
export const elements = (el: XmlElement, name?: string): XmlElement[] =>
  el.children.filter((c): c is XmlElement => typeof c !== 'string' && (name === undefined || c.name === name));

/** All text inside an element, decoded. */
export const textOf = (el: XmlElement): string => el.children.map((c) => (typeof c === 'string' ? c : textOf(c))).join('');
