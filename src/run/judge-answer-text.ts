// What a judge model wrote, made parseable before the AI SDK parses it as the answer's JSON. Small local models
// (Ollama, vLLM) asked for "one JSON object and nothing else" still often wrap it in a Markdown code fence
// ("```json\n{…}\n```") or put a sentence before it; the answer inside is fine, and calling it unusable would
// spend a second judge call and then lose the verdict. Only the text around the object is dropped: the object
// itself is parsed and validated against the schema as before, so a wrong answer is still a malformed one.

const FENCED = /```[a-zA-Z]*[ \t]*\r?\n([\s\S]*?)\r?\n?```/;

/** The JSON object in a judge's text: the text itself if it is one, else the first fenced block, else `{` … last `}`. */
export function judgeAnswerJson(text: string): string {
  const trimmed = text.trim();
  if (trimmed.startsWith('{') && trimmed.endsWith('}')) return trimmed;
  const fenced = FENCED.exec(trimmed);
  if (fenced) return fenced[1].trim();
  const first = trimmed.indexOf('{');
  const last = trimmed.lastIndexOf('}');
  return first >= 0 && last > first ? trimmed.slice(first, last + 1) : trimmed;
}
