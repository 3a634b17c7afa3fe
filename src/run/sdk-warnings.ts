// The AI SDK prints its warnings (a setting the provider does not support, a model it does not know) with
// console.warn on every call, after a first line telling the user to set a JavaScript global: in a run of a
// few hundred calls that is hundreds of identical lines on stderr that a CLI user cannot turn off. The SDK
// reads globalThis.AI_SDK_LOG_WARNINGS (false, or a function) at each call, and so does network-target.ts's direct
// call path; during a run it is a function that adds each kind of warning once to the run's warnings, which
// the reports show, worded as what to change in the suite.

interface SdkWarning {
  type: string;
  feature?: string;
  details?: string;
  message?: string;
}

type SdkWarningLogger = (options: { warnings: SdkWarning[]; provider: string; model: string }) => void;

/** One SDK warning as a run warning: what happened and, where we know it, what to set in the suite. */
export function sdkWarningText(w: SdkWarning, provider: string, model: string): string {
  const who = `${provider} / ${model}`;
  if (w.feature === 'responseFormat' && w.type === 'unsupported') {
    return `${who}: the provider is not asked to enforce the judge's answer schema (an openai-compatible server gets response_format json_object only); the judge prompt names the answer's keys and gives the schema instead`;
  }
  const limit = w.feature === 'maxOutputTokens' ? /is unknown.*limited to (\d+)/.exec(w.details ?? '') : null;
  if (limit) {
    return `${who}: the AI SDK does not know this model and limits each answer to ${limit[1]} output tokens; set params: { max_tokens: N } on the model (or judge) entry to choose the limit`;
  }
  const details = w.details ? ` ${w.details}` : '';
  if (w.type === 'unsupported') return `AI SDK (${who}): the setting "${w.feature}" is not supported and was ignored.${details}`;
  if (w.type === 'compatibility') return `AI SDK (${who}): the setting "${w.feature}" is used in a compatibility mode.${details}`;
  return `AI SDK (${who}): ${w.message ?? JSON.stringify(w)}`;
}

/**
 * Routes the AI SDK's warnings into `warnings` (each kind once: provider, model, type and setting) instead of
 * stderr, for target and judge calls alike. Returns the function that puts back the logger found before.
 */
export function routeSdkWarnings(warnings: string[]): () => void {
  const g = globalThis as { AI_SDK_LOG_WARNINGS?: unknown };
  const previous = g.AI_SDK_LOG_WARNINGS;
  const seen = new Set<string>();
  const logger: SdkWarningLogger = ({ warnings: list, provider, model }) => {
    for (const w of list) {
      const kind = [provider, model, w.type, w.feature ?? w.message ?? ''].join('\u0000');
      if (seen.has(kind)) continue;
      seen.add(kind);
      const text = sdkWarningText(w, provider, model);
      if (!warnings.includes(text)) warnings.push(text);
    }
  };
  g.AI_SDK_LOG_WARNINGS = logger;
  return () => {
    if (g.AI_SDK_LOG_WARNINGS === logger) g.AI_SDK_LOG_WARNINGS = previous;
  };
}
