// The spec document as data (issue #19): sections of blocks of plain, untrusted text, each section with its figures
// (what tests and other tools read) and its gaps (what is missing, with the fix). The renderers (markdown.ts,
// html.ts) escape every text for their format; nothing here is pre-escaped.
import type { SpecSectionId } from '../suite/index.js';

export type { SpecSectionId };

/** A missing piece of the spec: shown, never hidden; `--check` fails on those of required sections. */
export interface SpecGap {
  /** Stable id, e.g. `labels`, `kill-switch`. */
  id: string;
  section: SpecSectionId;
  /** What is missing, e.g. "no human labels yet: the judge is uncalibrated". */
  message: string;
  /** The sentence that fills it. */
  fix: string;
}

export type SpecBlock =
  | { kind: 'paragraph'; text: string }
  | { kind: 'list'; items: string[] }
  | { kind: 'table'; head: string[]; rows: string[][] }
  /** Preformatted text (a model output, a command's words): shown verbatim, escaped. */
  | { kind: 'quote'; label: string; text: string }
  /** A path or URL: a link only for http(s) URLs, never fetched. */
  | { kind: 'link'; label: string; target: string }
  | { kind: 'heading'; text: string };

export interface SpecSection {
  id: SpecSectionId;
  title: string;
  blocks: SpecBlock[];
  /** The section's figures as data (counts, bounds, verdicts); shape per section, see build.ts. */
  figures: Record<string, unknown>;
  gaps: SpecGap[];
}

export interface SpecDocument {
  suite: { name: string; file: string; hash: string; description: string | null };
  /** When the document was built (ISO 8601). */
  generatedAt: string;
  /** The store read, or null without one. */
  store: string | null;
  /** The run the status figures come from (null: none stored). */
  runId: string | null;
  /** `spec.required` of the suite. */
  required: SpecSectionId[];
  sections: SpecSection[];
}

/** The gaps of the required sections: what `evalspec spec --check` fails on. */
export function specGaps(doc: SpecDocument, required: readonly SpecSectionId[] = doc.required): SpecGap[] {
  const wanted = new Set(required);
  return doc.sections.flatMap((s) => (wanted.has(s.id) ? s.gaps : []));
}

/** Every gap of the document, in section order. */
export function allGaps(doc: SpecDocument): SpecGap[] {
  return doc.sections.flatMap((s) => s.gaps);
}
