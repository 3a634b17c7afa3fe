// {{var}} templates: the only templating in suites. Deliberately tiny (no logic), so a missing variable is
// always an error rather than silently empty text.
import { EvalspecError, type ErrorLocation } from '../errors.js';

const PLACEHOLDER = /\{\{\s*([A-Za-z_][\w-]*(?:\.[\w-]+)*)\s*\}\}/g;

/** Variable names a template uses (first path segment), in order of appearance. */
export function templateVariables(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1].split('.')[0]);
}

function lookup(vars: Record<string, unknown>, path: string): { found: boolean; value?: unknown } {
  let value: unknown = vars;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object' || !(part in (value as object))) return { found: false };
    value = (value as Record<string, unknown>)[part];
  }
  return { found: true, value };
}

export function renderTemplate(template: string, vars: Record<string, unknown>, where: ErrorLocation & { what?: string } = {}): string {
  if (!template.includes('{{')) return template;
  return template.replace(PLACEHOLDER, (_match, path: string) => {
    const { found, value } = lookup(vars, path);
    if (!found) {
      const known = Object.keys(vars);
      throw new EvalspecError('TEMPLATE_VARIABLE', `missing template variable "${path}"${where.what ? ` in ${where.what}` : ''}`, {
        ...where,
        hint: `add "${path}" to the case's vars${known.length ? ` (it has: ${known.join(', ')})` : ' (it has none)'}, or fix the placeholder`,
      });
    }
    if (typeof value === 'string') return value;
    return JSON.stringify(value);
  });
}

/** Render every string inside a JSON-like value (used for check specs). Keys are left alone. */
export function renderDeep<T>(value: T, vars: Record<string, unknown>, where: ErrorLocation & { what?: string } = {}): T {
  if (typeof value === 'string') return renderTemplate(value, vars, where) as T;
  if (Array.isArray(value)) return value.map((v) => renderDeep(v, vars, where)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = renderDeep(v, vars, where);
    return out as T;
  }
  return value;
}
