// `{{var}}` placeholders in a prompt being edited, split out for highlighting and checked against a case's vars.
// The pattern is the suite's (src/suite/template.ts, which viewer-ui/ may not import); a test compares the two
// on the same templates so they cannot drift apart.
const PLACEHOLDER = /\{\{\s*([A-Za-z_][\w-]*(?:\.[\w-]+)*)\s*\}\}/g;

export type TemplatePart =
  | { kind: 'text'; text: string }
  /** `known`: the case's vars have this path; null when no case vars are at hand to check against. */
  | { kind: 'var'; text: string; path: string; known: boolean | null };

/** Does `vars` hold the dotted `path` (as the plan stage looks it up when it renders)? */
export function hasVariable(vars: Record<string, unknown>, path: string): boolean {
  let value: unknown = vars;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object' || !(part in (value as object))) return false;
    value = (value as Record<string, unknown>)[part];
  }
  return true;
}

/** The template as text and placeholder parts, in order; joined, the parts' texts give the template back. */
export function templateParts(template: string, vars: Record<string, unknown> | null): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let at = 0;
  for (const m of template.matchAll(PLACEHOLDER)) {
    const start = m.index;
    if (start > at) parts.push({ kind: 'text', text: template.slice(at, start) });
    parts.push({ kind: 'var', text: m[0], path: m[1], known: vars ? hasVariable(vars, m[1]) : null });
    at = start + m[0].length;
  }
  if (at < template.length) parts.push({ kind: 'text', text: template.slice(at) });
  return parts;
}

/** Variable names the templates use (first path segment, as the suite reports them), each once, in order. */
export function templateVariables(templates: string[]): string[] {
  const names = templates.flatMap((t) => [...t.matchAll(PLACEHOLDER)].map((m) => m[1].split('.')[0]));
  return [...new Set(names)];
}

/** Placeholder paths the case's vars lack: the plan stage would refuse to render them for this case. */
export function unknownVariables(templates: string[], vars: Record<string, unknown>): string[] {
  const missing = templates.flatMap((t) => [...t.matchAll(PLACEHOLDER)].map((m) => m[1]).filter((path) => !hasVariable(vars, path)));
  return [...new Set(missing)];
}
