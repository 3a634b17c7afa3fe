// The trial's prompt and parameters being edited. Each message's `{{var}}` placeholders are shown highlighted
// under its text box, checked against the first case's vars (a placeholder that case lacks is flagged: the plan
// stage would refuse to render it). Everything is rendered as text.
import type { PlaygroundMessage, PlaygroundParams, PlaygroundRole } from '../playground-api';
import { templateParts, unknownVariables } from '../template-vars';

const ROLES: PlaygroundRole[] = ['system', 'user', 'assistant'];

function Highlighted({ text, vars }: { text: string; vars: Record<string, unknown> | null }) {
  return (
    <div className="template-preview plain-text" data-testid="template-preview">
      {templateParts(text, vars).map((p, i) =>
        p.kind === 'text' ? (
          <span key={i}>{p.text}</span>
        ) : (
          <mark
            key={i}
            className={`tvar ${p.known === false ? 'tvar-unknown' : 'tvar-known'}`}
            data-var={p.path}
            title={p.known === false ? `the case has no "${p.path}"` : p.path}
          >
            {p.text}
          </mark>
        ),
      )}
    </div>
  );
}

const preview = (value: unknown): string => {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 160 ? `${text.slice(0, 160)}…` : text;
};

export function PromptEditor({
  messages,
  onChange,
  caseId,
  vars,
}: {
  messages: PlaygroundMessage[];
  onChange: (messages: PlaygroundMessage[]) => void;
  /** The case whose vars the placeholders are checked against (the slice's first), if any. */
  caseId: string | null;
  vars: Record<string, unknown> | null;
}) {
  const set = (i: number, patch: Partial<PlaygroundMessage>) => onChange(messages.map((m, j) => (j === i ? { ...m, ...patch } : m)));
  const unknown = vars
    ? unknownVariables(
        messages.map((m) => m.content),
        vars,
      )
    : [];
  return (
    <div className="prompt-editor" data-testid="prompt-editor">
      {messages.map((m, i) => (
        <div className="prompt-message" key={i} data-message={i}>
          <div className="toolbar">
            <select aria-label={`role of message ${i + 1}`} value={m.role} onChange={(e) => set(i, { role: e.target.value as PlaygroundRole })}>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
            <button type="button" className="button" onClick={() => onChange(messages.filter((_, j) => j !== i))} disabled={messages.length === 1}>
              Remove
            </button>
          </div>
          <textarea
            className="prompt-text mono"
            aria-label={`message ${i + 1}`}
            value={m.content}
            rows={Math.min(14, Math.max(3, m.content.split('\n').length + 1))}
            onChange={(e) => set(i, { content: e.target.value })}
          />
          <Highlighted text={m.content} vars={vars} />
        </div>
      ))}
      <button type="button" className="button" onClick={() => onChange([...messages, { role: 'user', content: '' }])}>
        Add message
      </button>
      {unknown.length > 0 && (
        <p className="small warn-text" data-testid="unknown-vars">
          Case {caseId} has no {unknown.map((v) => `{{${v}}}`).join(', ')}: the trial would fail to render its prompt.
        </p>
      )}
      {vars && (
        <details className="case-vars" open>
          <summary className="small muted">vars of case {caseId}</summary>
          <table className="kv small" data-testid="case-vars">
            <tbody>
              {Object.entries(vars).map(([k, v]) => (
                <tr key={k}>
                  <th className="mono">{k}</th>
                  <td className="plain-text">{preview(v)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </div>
  );
}

const PARAMS: { key: keyof PlaygroundParams; label: string; step: string }[] = [
  { key: 'temperature', label: 'temperature', step: '0.1' },
  { key: 'max_tokens', label: 'max tokens', step: '1' },
  { key: 'top_p', label: 'top p', step: '0.05' },
  { key: 'seed', label: 'seed', step: '1' },
];

/** The generation params; an empty box leaves the suite's value (or the provider's default). */
export function ParamsEditor({ params, onChange }: { params: PlaygroundParams; onChange: (params: PlaygroundParams) => void }) {
  return (
    <div className="toolbar params-editor">
      {PARAMS.map(({ key, label, step }) => (
        <label key={key} className="small">
          {label}{' '}
          <input
            type="number"
            step={step}
            className="param-input"
            name={key}
            value={params[key] ?? ''}
            onChange={(e) => {
              const next = { ...params };
              const value = e.target.value === '' ? undefined : Number(e.target.value);
              if (value === undefined || Number.isNaN(value)) delete next[key];
              else next[key] = value;
              onChange(next);
            }}
          />
        </label>
      ))}
    </div>
  );
}
