// The answer's keys spelled out in the judge prompt, for providers that cannot enforce the JSON schema: an
// openai-compatible server (Ollama, vLLM, a gateway) is sent only `response_format: json_object`, so without
// this the judge would have to guess the keys (`reasoning`, `verdict`, `score`, …) and its answers would be
// unusable. Providers that enforce the schema do not need it (their prompts, and cache keys, stay as they are).

type Schema = Record<string, unknown>;

function bounds(s: Schema): string {
  const lo = s.minimum;
  const hi = s.maximum;
  if (typeof lo === 'number' && typeof hi === 'number') return ` from ${lo} to ${hi}`;
  if (typeof lo === 'number') return ` of at least ${lo}`;
  if (typeof hi === 'number') return ` of at most ${hi}`;
  return '';
}

/** One value of the schema in words: `one of "pass", "fail"`, `a number from 0 to 1`, `an object with …`. */
function describe(s: Schema): string {
  const text = typeof s.description === 'string' ? s.description.trim().replace(/\.$/, '') : '';
  const note = text ? ` — ${text[0].toLowerCase()}${text.slice(1)}` : '';
  if (Array.isArray(s.enum)) return `one of ${s.enum.map((v) => JSON.stringify(v)).join(', ')}${note}`;
  switch (s.type) {
    case 'string':
      return `a string${note}`;
    case 'number':
      return `a number${bounds(s)}${note}`;
    case 'integer':
      return `a whole number${bounds(s)}${note}`;
    case 'boolean':
      return `true or false${note}`;
    case 'array':
      return `a list, each item ${describe((s.items ?? {}) as Schema)}${note}`;
    case 'object': {
      const props = Object.entries((s.properties ?? {}) as Record<string, Schema>);
      return `an object with the keys ${props.map(([k, v]) => `"${k}" (${describe(v)})`).join(', ')}${note}`;
    }
    default:
      return `a JSON value${note}`;
  }
}

/** The paragraph appended to a judge prompt when the provider will not enforce the answer's schema. */
export function answerFormatText(schema: Schema): string {
  const props = Object.entries((schema.properties ?? {}) as Record<string, Schema>);
  return [
    'Reply with one JSON object and nothing else (no code fence, no text before or after it), with exactly these keys:',
    ...props.map(([key, value]) => `- "${key}": ${describe(value)}`),
    '',
    'The JSON schema of the answer:',
    JSON.stringify(schema),
  ].join('\n');
}
