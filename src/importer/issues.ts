// What an import could not carry over (dropped: the imported suite behaves differently there) and what it
// carried with a difference worth knowing (notes). Every entry names the file and line, the promptfoo key or
// type, why, and what to do, so nothing is ever dropped silently.

export interface ImportIssue {
  /** The promptfoo file, as the user named it (the config, or a file it references). */
  file: string;
  /** 1-based line in that file, when known. */
  line?: number;
  /** The promptfoo key or type, e.g. `assert[0].type: similar`. */
  key: string;
  reason: string;
  /** What to do about it. */
  fix: string;
}

export type ImportStatus = 'full' | 'partial' | 'none';

export class ImportIssues {
  readonly dropped: ImportIssue[] = [];
  readonly notes: ImportIssue[] = [];

  drop(issue: ImportIssue): void {
    this.dropped.push(issue);
  }

  note(issue: ImportIssue): void {
    this.notes.push(issue);
  }
}

/** The feature an issue is about, for counting the most common ones (`assert.type: similar` → `similar`). */
export function featureOf(issue: ImportIssue): string {
  const typed = /type: ?([\w:-]+)/.exec(issue.key);
  if (typed) return typed[1];
  if (/Nunjucks/.test(issue.reason)) return 'Nunjucks template';
  if (/^providers\[[^\]]*\](?::|$)/.test(issue.key)) return 'provider id';
  const parts = issue.key
    .split(/[.[\]:]/)
    .map((part) => part.trim())
    .filter((part) => part !== '' && !/^\d+$/.test(part));
  return parts.at(-1) ?? issue.key;
}
