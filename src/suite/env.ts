// ${VAR} and ${VAR:-default} read the environment, in provider settings only. Values are resolved when a
// provider is built, never stored: the stored config keeps the placeholders, and secrets are redacted.
import { EvalspecError, type ErrorLocation } from '../errors.js';

const ENV_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export interface EnvResolution {
  value: string | undefined;
  /** Variables referenced but unset (and without a default). */
  missing: string[];
}

export function resolveEnv(raw: string, env: NodeJS.ProcessEnv = process.env): EnvResolution {
  const missing: string[] = [];
  const value = raw.replace(ENV_REF, (_m, name: string, fallback: string | undefined) => {
    const v = env[name];
    if (v !== undefined && v !== '') return v;
    if (fallback !== undefined) return fallback;
    missing.push(name);
    return '';
  });
  return { value: value === '' ? undefined : value, missing };
}

export function envVariablesIn(raw: string): string[] {
  return [...raw.matchAll(ENV_REF)].map((m) => m[1]);
}

export function requireEnv(raw: string, what: string, where: ErrorLocation, env: NodeJS.ProcessEnv = process.env): string {
  const { value, missing } = resolveEnv(raw, env);
  if (missing.length > 0 || value === undefined) {
    throw new EvalspecError('ENV_VARIABLE', `${what} reads environment variable ${missing.join(', ') || raw}, which is not set`, {
      ...where,
      hint: `export ${missing[0] ?? 'the variable'}=… before running, or write \${${missing[0] ?? 'VAR'}:-default} in the suite`,
    });
  }
  return value;
}

// `webhook`: a Slack-style URL carries its secret in the path (a monitor's `webhook:` written literally in the suite).
const SECRET_KEYS = /^(apiKey|api_key|authorization|x-api-key|token|password|secret|webhook)$/i;

/** A copy safe to store and show: secret-looking keys are replaced, even when they hold placeholders. */
export function redactSecrets<T>(value: T): T {
  if (Array.isArray(value)) return value.map(redactSecrets) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (SECRET_KEYS.test(k)) out[k] = '[redacted]';
      else if (k === 'headers' && v && typeof v === 'object') out[k] = Object.fromEntries(Object.keys(v).map((h) => [h, '[redacted]']));
      else out[k] = redactSecrets(v);
    }
    return out as T;
  }
  return value;
}
