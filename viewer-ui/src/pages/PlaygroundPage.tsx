// The Playground (`evalspec view --playground`): on a slice of a stored run's cases, try an edited prompt, another
// model or other params; see each new output stream in beside the stored one, then the paired difference with its
// interval and the cases that flipped; save the prompt as a version in the suite file; run it on the full suite.
// Keys stay in the view process: the page names models by label or `provider:model` ref only.
import { useEffect, useRef, useState } from 'react';
import { api, ApiError } from '../api';
import {
  playgroundApi,
  type PlaygroundInfo,
  type PlaygroundMessage,
  type PlaygroundParams,
  type PlaygroundRunInfo,
  type TrialEstimate,
  type TrialRequest,
} from '../playground-api';
import { useAsync, useDebounced } from '../hooks';
import { links } from '../router';
import { ErrorBox, Loading, Section } from '../components/common';
import { ParamsEditor, PromptEditor } from '../components/PromptEditor';
import { SliceCases, SlicePicker, type SliceChoice } from '../components/SlicePicker';
import { ComparisonSummary, TrialCases } from '../components/TrialResults';
import { FullRunPanel, SavePromptPanel } from '../components/PlaygroundActions';
import { applyTrialEvent, initialTrialState, type TrialState } from '../trial-state';
import { int, usd, when } from '../format';

export function PlaygroundPage({ params }: { params: URLSearchParams }) {
  const runId = params.get('run');
  const info = useAsync(() => playgroundApi.info(), []);
  useEffect(() => {
    document.title = 'Playground · evalspec';
  }, []);
  if (info.error instanceof ApiError && info.error.status === 404)
    return (
      <div className="error-box" data-testid="playground-off">
        The playground is off. Start the viewer with <code>evalspec view --playground</code> to try prompts and models on a run&apos;s cases (the calls are made
        by the view process, with the suite&apos;s provider settings).
      </div>
    );
  if (info.error) return <ErrorBox error={info.error} />;
  if (!info.data) return <Loading what="Loading the playground" />;
  if (!runId) return <PickRun />;
  return <RunPlayground key={runId} runId={runId} info={info.data} />;
}

function PickRun() {
  const runs = useAsync(() => api.runs(), []);
  if (runs.error) return <ErrorBox error={runs.error} />;
  if (!runs.data) return <Loading what="Loading runs" />;
  return (
    <Section title="Playground: pick a stored run to try changes on">
      <ul className="pick-run">
        {runs.data.runs.map((r) => (
          <li key={r.id}>
            <a href={links.playground(r.id)}>{r.suiteName}</a> <span className="mono small">{r.id}</span>{' '}
            {r.label && <span className="run-label">{r.label}</span>} <span className="small muted">{when(r.startedAt)} UTC</span>
          </li>
        ))}
      </ul>
    </Section>
  );
}

function RunPlayground({ runId, info }: { runId: string; info: PlaygroundInfo }) {
  const run = useAsync(() => playgroundApi.runInfo(runId), [runId]);
  if (run.error) return <ErrorBox error={run.error} />;
  if (!run.data) return <Loading what="Loading the run's suite" />;
  if (run.data.problem)
    return (
      <div className="error-box" data-testid="playground-problem">
        Nothing can be tried on run {runId}: {run.data.problem}
      </div>
    );
  return <Workbench run={run.data} info={info} />;
}

const sameMessages = (a: PlaygroundMessage[], b: PlaygroundMessage[]) =>
  a.length === b.length && a.every((m, i) => m.role === b[i].role && m.content === b[i].content);

function Workbench({ run, info }: { run: PlaygroundRunInfo; info: PlaygroundInfo }) {
  const firstVariant = run.variants.find((v) => v.comparable) ?? run.variants[0];
  const promptOf = (id: string | undefined) =>
    run.prompts.find((p) => p.id === id)?.messages ?? run.prompts[0]?.messages ?? [{ role: 'user' as const, content: '' }];
  const [choice, setChoice] = useState<SliceChoice>({
    variantId: firstVariant?.id ?? '',
    kind: 'failed',
    value: '',
    n: Math.min(20, info.maxTrialCases),
    seed: 1,
  });
  const [messages, setMessages] = useState<PlaygroundMessage[]>(() => promptOf(firstVariant?.promptId));
  const [model, setModel] = useState(firstVariant?.label ?? run.models[0]?.label ?? '');
  const [params, setParams] = useState<PlaygroundParams>(run.params ?? {});
  const [savedPrompts, setSavedPrompts] = useState<{ id: string; messages: PlaygroundMessage[] }[]>([]);
  // An estimate holds for the request it was made for: an edit after it hides it until the next one.
  const [estimate, setEstimate] = useState<{ for: string; value: TrialEstimate | { error: Error } } | null>(null);
  const [trial, setTrial] = useState<TrialState | null>(null);
  const [spend, setSpend] = useState(info.spend);
  const abort = useRef<AbortController | null>(null);
  useEffect(() => () => abort.current?.abort(), []);

  const search = useDebounced(choice.value, 250);
  const slice = useAsync(
    () => playgroundApi.slice(run.runId, { variant: choice.variantId, kind: choice.kind, value: search || undefined, n: choice.n, seed: choice.seed }),
    [run.runId, choice.variantId, choice.kind, search, choice.n, choice.seed],
  );
  const cases = slice.data?.cases ?? [];
  const first = cases[0];
  // A prompt the suite file holds (as written, or just saved) is sent by id, so the run can reuse and cache by it.
  const promptId = [...run.prompts, ...savedPrompts].find((p) => sameMessages(p.messages, messages))?.id;
  const request = (): TrialRequest => ({
    runId: run.runId,
    variantId: choice.variantId,
    caseIds: cases.map((c) => c.caseId),
    model: model.trim(),
    params,
    ...(promptId ? { promptId } : { messages }),
  });
  const requestKey = JSON.stringify(request());
  const running = trial?.status === 'running';
  const canRun = !running && cases.length > 0 && model.trim() !== '' && messages.some((m) => m.content.trim() !== '');

  const onVariant = (next: SliceChoice) => {
    if (next.variantId !== choice.variantId) setMessages(promptOf(run.variants.find((v) => v.id === next.variantId)?.promptId));
    setChoice(next);
  };
  const runEstimate = async () => {
    const key = requestKey;
    setEstimate(null);
    try {
      const e = await playgroundApi.estimate(request());
      setEstimate({ for: key, value: e });
      setSpend(e.spend);
    } catch (error) {
      setEstimate({ for: key, value: { error: error as Error } });
    }
  };
  const runTrial = async () => {
    const key = requestKey;
    const controller = new AbortController();
    abort.current = controller;
    let state = initialTrialState();
    setTrial(state);
    // Deltas come many per second: the screen follows once per frame, not once per event.
    let frame = 0;
    const show = () => {
      frame = 0;
      setTrial(state);
    };
    try {
      await playgroundApi.trial(
        request(),
        (event) => {
          state = applyTrialEvent(state, event);
          if (event.type === 'start') setEstimate({ for: key, value: event.estimate });
          if (state.spend) setSpend(state.spend);
          if (!frame) frame = requestAnimationFrame(show);
        },
        controller.signal,
      );
      if (state.status === 'running')
        state = { ...state, status: 'failed', error: { code: 'TRUNCATED', message: 'the answer ended before the trial did', hint: null } };
    } catch (error) {
      const stopped = controller.signal.aborted;
      state = {
        ...state,
        status: 'failed',
        error: { code: stopped ? 'STOPPED' : 'REQUEST', message: stopped ? 'stopped' : (error as Error).message, hint: null },
      };
    }
    if (frame) cancelAnimationFrame(frame);
    setTrial(state);
  };

  return (
    <div className="playground-page" data-testid="playground">
      <div className="page-head">
        <h1>
          Playground <span className="muted">· {run.suiteName}</span>
        </h1>
        <div className="meta small">
          on run{' '}
          <a href={links.run(run.runId)} className="mono">
            {run.runId}
          </a>{' '}
          · suite file <span className="mono">{run.suiteFile}</span> · spent <strong data-testid="session-spend">{usd(spend.spentUsd)}</strong> of this
          session&apos;s {usd(spend.capUsd)} cap
        </div>
      </div>

      <Section title="Cases">
        <SlicePicker run={run} choice={choice} onChange={onVariant} />
        {slice.error ? (
          <ErrorBox error={slice.error} />
        ) : slice.data ? (
          <SliceCases runId={run.runId} slice={slice.data} />
        ) : (
          <Loading what="Finding the cases" />
        )}
      </Section>

      <Section title="Prompt, model and parameters">
        <div className="toolbar">
          <label className="small">
            start from{' '}
            <select aria-label="suite prompt" value={promptId ?? ''} onChange={(e) => e.target.value && setMessages(promptOf(e.target.value))}>
              <option value="">(edited)</option>
              {[...run.prompts, ...savedPrompts].map((p) => (
                <option key={p.id} value={p.id}>
                  {p.id}
                </option>
              ))}
            </select>
          </label>
          <label className="small">
            model <input name="model" list="playground-models" value={model} onChange={(e) => setModel(e.target.value)} placeholder="label or provider:model" />
          </label>
          <datalist id="playground-models">
            {run.models.map((m) => (
              <option key={m.label} value={m.label}>
                {m.ref}
              </option>
            ))}
          </datalist>
          <span className="small muted">a model the suite lacks: provider:model on {run.providers.join(', ') || 'a suite provider'}</span>
        </div>
        <ParamsEditor params={params} onChange={setParams} />
        <PromptEditor messages={messages} onChange={setMessages} caseId={first?.caseId ?? null} vars={first?.vars ?? null} />
      </Section>

      <Section
        title="Trial"
        actions={
          <div className="toolbar">
            <button type="button" className="button" onClick={runEstimate} disabled={!canRun} data-testid="estimate">
              Estimate
            </button>
            <button type="button" className="button button-primary" onClick={runTrial} disabled={!canRun} data-testid="run-trial">
              Run on {cases.length} case{cases.length === 1 ? '' : 's'}
            </button>
            {running && (
              <button type="button" className="button" onClick={() => abort.current?.abort()}>
                Stop
              </button>
            )}
          </div>
        }
      >
        <EstimateLine estimate={estimate?.for === requestKey ? estimate.value : null} />
        {trial?.error && (
          <div className="error-box" role="alert" data-testid="trial-error">
            {trial.error.message}
            {trial.error.hint && <div className="small">fix: {trial.error.hint}</div>}
          </div>
        )}
        {trial?.comparison && <ComparisonSummary comparison={trial.comparison} />}
        {trial && (
          <div className="small muted" data-testid="trial-status" data-run={trial.trialRunId ?? undefined}>
            {trial.status === 'running' ? 'running…' : trial.runStatus ? `trial run ${trial.trialRunId ?? ''} ${trial.runStatus}` : ''}
          </div>
        )}
        {trial && <TrialCases state={trial} cases={cases} storedRunId={run.runId} />}
      </Section>

      <Section title="Keep it">
        <SavePromptPanel runId={run.runId} messages={messages} onSaved={(id) => setSavedPrompts((s) => [...s, { id, messages }])} />
        <FullRunPanel runId={run.runId} model={model.trim()} promptId={promptId ?? null} onSpend={setSpend} />
      </Section>
    </div>
  );
}

function EstimateLine({ estimate }: { estimate: TrialEstimate | { error: Error } | null }) {
  if (!estimate) return null;
  if ('error' in estimate) return <ErrorBox error={estimate.error} />;
  return (
    <p className="small" data-testid="trial-estimate">
      {int(estimate.calls)} new call{estimate.calls === 1 ? '' : 's'}, {int(estimate.reused)} stored result{estimate.reused === 1 ? '' : 's'} reused · expected
      cost <strong>{usd(estimate.costUsd)}</strong>
      {!estimate.withinCap && <span className="warn-text"> · over the session&apos;s cap: the trial would be refused</span>}
    </p>
  );
}
