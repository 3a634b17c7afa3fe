// promptfoo renders prompts, vars and assertion values with Nunjucks; evalspec has only `{{var}}` (and dotted
// paths, `{{a.b}}`). A placeholder that is a plain variable converts; anything else (filters, expressions,
// `{% %}` tags, `{# #}` comments) is reported, never rendered differently without a word.

const PLAIN_PLACEHOLDER = /^\s*([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\s*$/;
const EXPRESSION = /\{\{([\s\S]*?)\}\}/g;
const TAG = /\{%-?\s*(\w+)[\s\S]*?%\}/g;
const COMMENT = /\{#[\s\S]*?#\}/;

export interface ConvertedTemplate {
  text: string;
  /** The Nunjucks constructs that have no evalspec equivalent, as written (empty when everything converted). */
  unsupported: string[];
}

function short(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 60 ? `${flat.slice(0, 60)}…` : flat;
}

/** `{{ var }}` → `{{var}}`; filters, expressions, tags and comments listed in `unsupported`. */
export function convertTemplate(text: string): ConvertedTemplate {
  const unsupported: string[] = [];
  for (const match of text.matchAll(TAG)) unsupported.push(`{% ${match[1]} %} (a Nunjucks tag: loops, conditionals and sets are not evalspec templates)`);
  if (COMMENT.test(text)) unsupported.push('{# … #} (a Nunjucks comment would be sent to the model as text)');
  const converted = text.replace(EXPRESSION, (whole, inner: string) => {
    const plain = PLAIN_PLACEHOLDER.exec(inner);
    if (plain) return `{{${plain[1]}}}`;
    const why = inner.includes('|') ? 'a Nunjucks filter' : 'a Nunjucks expression';
    unsupported.push(`${short(whole)} (${why}; evalspec templates hold only a variable name)`);
    return whole;
  });
  return { text: converted, unsupported };
}

/** Converts every string inside a JSON-like value; the unsupported constructs of all of them. */
export function convertDeep(value: unknown): { value: unknown; unsupported: string[] } {
  if (typeof value === 'string') {
    const { text, unsupported } = convertTemplate(value);
    return { value: text, unsupported };
  }
  if (Array.isArray(value)) {
    const parts = value.map(convertDeep);
    return { value: parts.map((p) => p.value), unsupported: parts.flatMap((p) => p.unsupported) };
  }
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    const unsupported: string[] = [];
    for (const [k, v] of Object.entries(value)) {
      const part = convertDeep(v);
      out[k] = part.value;
      unsupported.push(...part.unsupported);
    }
    return { value: out, unsupported };
  }
  return { value, unsupported: [] };
}

/** The variable names a converted template uses (first path segment). */
export function placeholderNames(text: string): string[] {
  return [...text.matchAll(/\{\{([A-Za-z_]\w*)(?:\.[\w.]+)?\}\}/g)].map((m) => m[1]);
}
