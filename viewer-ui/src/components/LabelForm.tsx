// Label one result: pass/fail, an error tag from the suite's taxonomy, a free comment. Every change is
// saved to the store at once. With `keyboard`, shortcuts: p pass · f fail · 1–9 tag · c comment · x clear.
import { useEffect, useRef, useState } from 'react';
import { api, type LabelRecord } from '../api';

export interface LabelTarget {
  runId: string;
  caseId: string;
  variantId: string;
  repeat: number;
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

export function LabelForm({
  target,
  existing,
  errorTags,
  labeller,
  keyboard = false,
  onSaved,
}: {
  target: LabelTarget;
  existing: LabelRecord | undefined;
  errorTags: string[];
  labeller: string | undefined;
  keyboard?: boolean;
  onSaved?: (label: LabelRecord | null, advance: boolean) => void;
}) {
  const [label, setLabel] = useState<'pass' | 'fail' | null>((existing?.label as 'pass' | 'fail' | null) ?? null);
  const [tag, setTag] = useState<string | null>(existing?.tag ?? null);
  const [comment, setComment] = useState(existing?.comment ?? '');
  const [status, setStatus] = useState<string>(existing ? `saved by ${existing.labeller}` : 'not labelled');
  const [error, setError] = useState<string | null>(null);
  const commentRef = useRef<HTMLTextAreaElement>(null);
  const targetKey = `${target.runId}\u0000${target.caseId}\u0000${target.variantId}\u0000${target.repeat}`;

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
        await api.deleteLabel(target.runId, { caseId: target.caseId, variantId: target.variantId, repeat: target.repeat, labeller });
        setStatus('cleared');
        onSaved?.(null, false);
      } catch (e) {
        setError((e as Error).message);
      }
      return;
    }
    setStatus('saving…');
    try {
      const { label: saved } = await api.putLabel(target.runId, {
        caseId: target.caseId,
        variantId: target.variantId,
        repeat: target.repeat,
        label: next.label,
        tag: next.tag,
        comment: next.comment.trim() ? next.comment : null,
        labeller,
      });
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
  }, [keyboard, targetKey, errorTags, labeller]);

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
