// One model output, with the derived forms checks need (normalised, trimmed, lower-cased, parsed JSON)
// computed lazily and at most once per scoreOutput call, however many checks look at them.

export type ParsedJson = { ok: true; value: unknown; fenced: boolean } | { ok: false; error: string; fenced: boolean };

/** Unicode NFC, skipped for pure-ASCII text (already normalised). */
export function nfc(text: string): string {
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(text) ? text : text.normalize('NFC');
}

// A whole output that is one fenced block: ```json / ```JSON / ```jsonc / bare ```, nothing outside it.
const FENCE = /^```[ \t]*(json|jsonc|JSON)?[ \t]*\r?\n([\s\S]*?)\r?\n?[ \t]*```$/;

/**
 * Parses an output as JSON. Surrounding whitespace is ignored. When `allowFence`, an output that is exactly
 * one ```json (or bare ```) fenced block is unwrapped first; text before or after the fence is not JSON.
 */
export function parseJsonOutput(raw: string, allowFence = true): ParsedJson {
  const text = raw.trim();
  let body = text;
  let fenced = false;
  if (allowFence && text.startsWith('```')) {
    const m = FENCE.exec(text);
    if (m !== null) {
      body = m[2];
      fenced = true;
    }
  }
  if (body.length === 0) return { ok: false, error: 'output is empty', fenced };
  try {
    return { ok: true, value: JSON.parse(body), fenced };
  } catch (err) {
    return { ok: false, error: (err as Error).message, fenced };
  }
}

export class OutputView {
  private _text: string | undefined;
  private _lower: string | undefined;
  private _trimmed: string | undefined;
  private _trimmedLower: string | undefined;
  private _trimmedStart: string | undefined;
  private _trimmedStartLower: string | undefined;
  private _json: ParsedJson | undefined;

  constructor(readonly raw: string) {}

  /** The output, NFC-normalised (what text checks compare). */
  get text(): string {
    return (this._text ??= nfc(this.raw));
  }
  get lower(): string {
    return (this._lower ??= this.text.toLowerCase());
  }
  get trimmed(): string {
    return (this._trimmed ??= this.text.trim());
  }
  get trimmedLower(): string {
    return (this._trimmedLower ??= this.trimmed.toLowerCase());
  }
  get trimmedStart(): string {
    return (this._trimmedStart ??= this.text.trimStart());
  }
  get trimmedStartLower(): string {
    return (this._trimmedStartLower ??= this.trimmedStart.toLowerCase());
  }
  /** The output parsed as JSON, a single ```json fence unwrapped. */
  get json(): ParsedJson {
    return (this._json ??= parseJsonOutput(this.raw, true));
  }
}

/** A short quoted preview of a string for reasons. */
export function preview(text: string, max = 60): string {
  const chars = Array.from(text);
  return JSON.stringify(chars.length > max ? `${chars.slice(0, max).join('')}…` : text);
}

/** Structural equality of JSON values (object key order ignored, array order significant). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k)) return false;
    if (!jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}
