// The vars of the "case" a production record is scored as: its attributes, plus `input` (the text of the last user
// message) and `tool_calls` (the calls the model made: name, arguments, result), the names offline cases use for
// the same things. Attribute keys are dotted (`app.plan`) and a template's `{{app.plan}}` reads a path, so each
// dotted key is also nested (vars.app.plan) where no attribute of the shorter name is in the way.
import { languageText } from '../ingest/index.js';
import type { ProductionRecord } from '../store/index.js';

/** The text of the last user message, or undefined when the record has no user turn (a template needing it is then unscored). */
export function lastUserText(record: ProductionRecord): string | undefined {
  // The same text ingest detects the record's language from.
  return languageText(record.input) ?? undefined;
}

export function recordVars(record: ProductionRecord): Record<string, unknown> {
  const vars: Record<string, unknown> = { ...record.attributes };
  for (const [key, value] of Object.entries(record.attributes)) {
    if (!key.includes('.')) continue;
    const parts = key.split('.');
    let node: Record<string, unknown> = vars;
    let blocked = false;
    for (const part of parts.slice(0, -1)) {
      const child = node[part];
      if (child === undefined) node[part] = {};
      else if (typeof child !== 'object' || child === null) {
        blocked = true; // an attribute `app` holds a value: `app.plan` stays reachable as vars["app.plan"] only
        break;
      }
      node = node[part] as Record<string, unknown>;
    }
    const leaf = parts[parts.length - 1];
    if (!blocked && node[leaf] === undefined) node[leaf] = value;
  }
  const input = lastUserText(record);
  if (input !== undefined) vars.input = input;
  else delete vars.input; // an attribute named input is not the user's message
  vars.tool_calls = record.toolCalls;
  return vars;
}
