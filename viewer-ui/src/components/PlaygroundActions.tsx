// Keeping what wins: save the edited prompt into the suite file as a new `prompts:` entry (the file otherwise
// untouched), and start a normal run of the suite for the model × prompt against the stored run.
import { useEffect, useRef, useState } from 'react';
import { playgroundApi, type FullRunEvent, type PlaygroundMessage, type PlaygroundSpend, type SavePromptResult } from '../playground-api';
import { links } from '../router';
import { int, usd } from '../format';

export function SavePromptPanel({ runId, messages, onSaved }: { runId: string; messages: PlaygroundMessage[]; onSaved: (promptId: string) => void }) {
  const [id, setId] = useState('');
  const [state, setState] = useState<{ saving: boolean; saved?: SavePromptResult; error?: string }>({ saving: false });
  const save = async () => {
    setState({ saving: true });
    try {
      const saved = await playgroundApi.savePrompt({ runId, id: id.trim() || undefined, messages });
      setState({ saving: false, saved });
      onSaved(saved.promptId);
    } catch (error) {
      setState({ saving: false, error: (error as Error).message });
    }
  };
  return (
    <div className="save-prompt">
      <div className="toolbar">
        <label className="small">
          prompt id <input name="prompt-id" value={id} onChange={(e) => setId(e.target.value)} placeholder="next free <prompt>-vN" />
        </label>
        <button type="button" className="button" onClick={save} disabled={state.saving} data-testid="save-prompt">
          Save as prompt version
        </button>
      </div>
      {state.saved && (
        <p className="small" data-testid="saved-prompt">
          Saved as prompt <strong className="mono">{state.saved.promptId}</strong> in <span className="mono">{state.saved.file}</span>, line {state.saved.line}:
          the next <code>evalspec run</code> includes it.
        </p>
      )}
      {state.error && (
        <div className="error-box" role="alert">
          {state.error}
        </div>
      )}
    </div>
  );
}

interface FullRunState {
  runId: string | null;
  total: number | null;
  done: number;
  errors: number;
  spentUsd: number | null;
  end: { runId: string; status: string; exitCode: number } | null;
  error: string | null;
}

export function FullRunPanel({
  runId,
  model,
  promptId,
  onSpend,
}: {
  runId: string;
  model: string;
  /** The suite file's prompt to run (saved or as written); null while the prompt is an unsaved edit. */
  promptId: string | null;
  onSpend: (spend: PlaygroundSpend) => void;
}) {
  const [state, setState] = useState<FullRunState | null>(null);
  const abort = useRef<AbortController | null>(null);
  useEffect(() => () => abort.current?.abort(), []);
  const running = state !== null && state.end === null && state.error === null;
  const start = async () => {
    const controller = new AbortController();
    abort.current = controller;
    let s: FullRunState = { runId: null, total: null, done: 0, errors: 0, spentUsd: null, end: null, error: null };
    setState(s);
    const apply = (e: FullRunEvent) => {
      if (e.type === 'start') s = { ...s, runId: e.runId, total: e.totalCalls };
      else if (e.type === 'progress') s = { ...s, done: e.done, total: e.total, errors: e.errors, spentUsd: e.spentUsd };
      else if (e.type === 'end') {
        s = { ...s, end: { runId: e.runId, status: e.status, exitCode: e.exitCode } };
        onSpend(e.spend);
      } else s = { ...s, error: `${e.message}${e.hint ? ` (fix: ${e.hint})` : ''}` };
      setState(s);
    };
    try {
      await playgroundApi.fullRun({ runId, model, promptId: promptId! }, apply, controller.signal);
      if (!s.end && !s.error) setState({ ...s, error: 'the answer ended before the run did' });
    } catch (error) {
      setState({ ...s, error: controller.signal.aborted ? 'stopped' : (error as Error).message });
    }
  };
  return (
    <div className="full-run">
      <div className="toolbar">
        <button type="button" className="button button-primary" onClick={start} disabled={running || !promptId || model === ''} data-testid="full-run">
          Run on the full suite
        </button>
        <span className="small muted">
          {promptId ? `model ${model} × prompt ${promptId}, against run ${runId}` : 'save the prompt first: a full run runs a prompt of the suite file'}
        </span>
      </div>
      {state && (
        <div className="small" data-testid="full-run-status">
          {state.total !== null && (
            <>
              <progress max={state.total || 1} value={state.done} /> {int(state.done)} / {int(state.total)} calls
              {state.errors > 0 && <span className="warn-text"> · {int(state.errors)} errors</span>} · paid {usd(state.spentUsd)}
            </>
          )}
          {state.end && (
            <div data-testid="full-run-end">
              Run{' '}
              <a href={links.run(state.end.runId)} className="mono">
                {state.end.runId}
              </a>{' '}
              {state.end.status}.
            </div>
          )}
          {state.error && (
            <div className="error-box" role="alert">
              {state.error}
            </div>
          )}
        </div>
      )}
    </div>
  );
}
