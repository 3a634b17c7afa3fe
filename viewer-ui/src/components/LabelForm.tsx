// Label one result (or one production record): pass/fail, an error tag from the suite's taxonomy, a free comment.
// Every change is saved to the store at once, through a sink: a run result's label (runLabelSink) or a production
// record's (productionLabelSink). With `keyboard`, shortcuts: p pass · f fail · 1–9 tag · c comment · x clear.
import { useEffect, useRef, useState } from 'react';
import { api, type LabelRecord, type ProductionLabelView } from '../api';

export interface LabelTarget {
  runId: string;
  caseId: string;
  variantId: string;
  repeat: number;
}

/** What the form shows of a stored label. */
export type ShownLabel = Pick<LabelRecord, 'label' | 'tag' | 'comment' | 'labeller' | 'createdAt'>;
export interface LabelDraft {
  label: 'pass' | 'fail' | null;
  tag: string | null;
  comment: string | null;
}
/** Where the form saves a label: `key` names the labelled thing (the form resets when it changes). */
export interface LabelSink<L extends ShownLabel> {
  key: string;
  put(draft: LabelDraft): Promise<L>;
  remove(): Promise<void>;
}

export function runLabelSink(target: LabelTarget, labeller: string | undefined): LabelSink<LabelRecord> {
  const key = { caseId: target.caseId, variantId: target.variantId, repeat: target.repeat };
  return {
    key: `${target.runId}\u0000${target.caseId}\u0000${target.variantId}\u0000${target.repeat}`,
    put: async (draft) => (await api.putLabel(target.runId, { ...key, ...draft, labeller })).label,
    remove: async () => void (await api.deleteLabel(target.runId, { ...key, labeller })),
  };
}

/** A production label as the form shows it: one error tag (the viewer sets one, as on a run's review page; the API takes a list). */
export const shownProductionLabel = (l: ProductionLabelView): ShownLabel & ProductionLabelView => ({
  ...l,
  label: l.verdict,
  tag: l.errorTags[0] ?? null,
  comment: l.note,
});

export function productionLabelSink(recordId: string, labeller: string | undefined): LabelSink<ShownLabel & ProductionLabelView> {
  return {
    key: `production\u0000${recordId}`,
    put: async (draft) => {
      // A production label is a verdict: a tag or a note alone has nothing to say about the judge.
      if (draft.label === null) throw new Error('give a verdict: pass or fail (x clears the label)');
      const { label } = await api.putProductionLabel(recordId, {
        verdict: draft.label,
        errorTags: draft.tag ? [draft.tag] : [],
        note: draft.comment,
        labeller,
      });
      return shownProductionLabel(label);
    },
    remove: async () => void (await api.deleteProductionLabel(recordId, labeller)),
  };
}

const LABELLER_KEY = 'evalspec-labeller';

export function storedLabeller(): string | null {
  try {
    return localStorage.getItem(LABELLER_KEY);
  } catch {
    return null;
  }
}

export function storeLabeller(name: string): void {
  try {
    if (name) localStorage.setItem(LABELLER_KEY, name);
    else localStorage.removeItem(LABELLER_KEY);
  } catch {
    // storage disabled: the server's default name is used
  }
}

const typing = (e: KeyboardEvent) => {
  const t = e.target as HTMLElement | null;
  return !!t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable);
};

export function LabelForm<L extends ShownLabel>({
  sink,
  existing,
  errorTags,
  keyboard = false,
  onSaved,
}: {
  sink: LabelSink<L>;
  existing: L | undefined;
  errorTags: string[];
  keyboard?: boolean;
  onSaved?: (label: L | null, advance: boolean) => void;
}) {
  const [label, setLabel] = useState<'pass' | 'fail' | null>((existing?.label as 'pass' | 'fail' | null) ?? null);
  const [tag, setTag] = useState<string | null>(existing?.tag ?? null);
  const [comment, setComment] = useState(existing?.comment ?? '');
  const [status, setStatus] = useState<string>(existing ? `saved by ${existing.labeller}` : 'not labelled');
  const [error, setError] = useState<string | null>(null);
  const commentRef = useRef<HTMLTextAreaElement>(null);
  const targetKey = sink.key;
  // The latest sink (a new object each render, the same target while targetKey is unchanged).
  const sinkRef = useRef(sink);
  sinkRef.current = sink;

  useEffect(() => {
    setLabel((existing?.label as 'pass' | 'fail' | null) ?? null);
    setTag(existing?.tag ?? null);
    setComment(existing?.comment ?? '');
    setStatus(existing ? `saved by ${existing.labeller}` : 'not labelled');
    setError(null);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [targetKey, existing?.createdAt]);

  const save = async (next: { label: 'pass' | 'fail' | null; tag: string | null; comment: string }, advance = false) => {
    setLabel(next.label);
    setTag(next.tag);
    setError(null);
    if (!next.label && !next.tag && !next.comment.trim()) {
      setStatus('clearing…');
      try {
        await sinkRef.current.remove();
        setStatus('cleared');
        onSaved?.(null, false);
      } catch (e) {
        setError((e as Error).message);
      }
      return;
    }
    setStatus('saving…');
    try {
      const saved = await sinkRef.current.put({ label: next.label, tag: next.tag, comment: next.comment.trim() ? next.comment : null });
      setStatus(`saved by ${saved.labeller} at ${saved.createdAt.slice(11, 19)}`);
      onSaved?.(saved, advance);
    } catch (e) {
      setError((e as Error).message);
      setStatus('not saved');
    }
  };

  const state = { label, tag, comment };
  const latest = useRef(state);
  latest.current = state;

  useEffect(() => {
    if (!keyboard) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if (typing(e)) {
        if (e.key === 'Escape') (e.target as HTMLElement).blur();
        return;
      }
      const s = latest.current;
      if (e.key === 'p') (e.preventDefault(), save({ ...s, label: 'pass' }, true));
      else if (e.key === 'f') (e.preventDefault(), save({ ...s, label: 'fail' }, false));
      else if (e.key === 'c') (e.preventDefault(), commentRef.current?.focus());
      else if (e.key === 'x') (e.preventDefault(), save({ label: null, tag: null, comment: '' }));
      else if (/^[1-9]$/.test(e.key)) {
        const t = errorTags[Number(e.key) - 1];
        if (t) (e.preventDefault(), save({ ...s, label: s.label ?? 'fail', tag: s.tag === t ? null : t }));
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [keyboard, targetKey, errorTags]);

  return (
    <div className="label-form" data-testid="label-form">
      <div className="label-buttons">
        <button
          type="button"
          className={`label-btn label-pass ${label === 'pass' ? 'on' : ''}`}
          onClick={() => save({ ...state, label: label === 'pass' ? null : 'pass' }, label !== 'pass')}
          aria-pressed={label === 'pass'}
          data-label="pass"
        >
          ✓ Pass {keyboard && <kbd>p</kbd>}
        </button>
        <button
          type="button"
          className={`label-btn label-fail ${label === 'fail' ? 'on' : ''}`}
          onClick={() => save({ ...state, label: label === 'fail' ? null : 'fail' })}
          aria-pressed={label === 'fail'}
          data-label="fail"
        >
          ✗ Fail {keyboard && <kbd>f</kbd>}
        </button>
        <span className={`label-status small ${error ? 'error-text' : 'muted'}`} role="status" data-testid="label-status">
          {error ?? status}
        </span>
      </div>
      <div className="tag-buttons" role="group" aria-label="error tag">
        {errorTags.map((t, i) => (
          <button
            type="button"
            key={t}
            className={`tag-btn ${tag === t ? 'on' : ''}`}
            onClick={() => save({ ...state, label: label ?? 'fail', tag: tag === t ? null : t })}
            aria-pressed={tag === t}
            data-tag={t}
          >
            {keyboard && i < 9 && <kbd>{i + 1}</kbd>} {t}
          </button>
        ))}
      </div>
      <div className="comment-row">
        <textarea
          ref={commentRef}
          value={comment}
          placeholder={keyboard ? 'comment (c to focus, Ctrl+Enter to save, Esc to leave)' : 'comment'}
          onChange={(e) => setComment(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
              e.preventDefault();
              save({ ...state, comment });
            }
          }}
          rows={2}
          aria-label="comment"
        />
        <button type="button" className="button" onClick={() => save({ ...state, comment })} data-testid="save-comment">
          Save comment
        </button>
        {(label || tag || existing) && (
          <button type="button" className="link-button" onClick={() => save({ label: null, tag: null, comment: '' })}>
            clear {keyboard && <kbd>x</kbd>}
          </button>
        )}
      </div>
    </div>
  );
}
