import { useRoute, links, type Route } from './router';
import { RunsPage } from './pages/RunsPage';
import { RunPage } from './pages/RunPage';
import { CasePage } from './pages/CasePage';
import { ComparePage } from './pages/ComparePage';
import { ParetoPage } from './pages/ParetoPage';
import { ReviewPage } from './pages/ReviewPage';
import { MonitorPage } from './pages/MonitorPage';
import { ProductionRecordPage } from './pages/ProductionRecordPage';
import { MonitorReviewPage } from './pages/MonitorReviewPage';
import { PlaygroundPage } from './pages/PlaygroundPage';
import { ExperimentPage } from './pages/ExperimentPage';
import { SafetyPage } from './pages/SafetyPage';
import { SignOut } from './components/SignOut';

function runIdOf(route: Route): string | undefined {
  if ('runId' in route) return route.runId;
  if (route.page === 'compare') return route.params.get('runA') ?? undefined;
  if (route.page === 'playground') return route.params.get('run') ?? undefined;
  return undefined;
}

export function App() {
  const route = useRoute();
  const runId = runIdOf(route);
  const tab = (page: Route['page'], label: string, to: string) => (
    <a href={to} className={`tab ${route.page === page || (page === 'monitor' && route.page === 'monitor-review') ? 'tab-active' : ''}`} data-tab={page}>
      {label}
    </a>
  );
  return (
    <div className="app">
      <header className="topbar">
        <a href={links.runs()} className="brand">
          evalspec <span className="brand-sub">viewer</span>
        </a>
        <nav className="tabs" aria-label="pages">
          {tab('runs', 'Runs', links.runs())}
          {tab('monitor', 'Monitor', links.monitors())}
          {tab('experiment', 'Experiments', links.experiments())}
          {runId && (
            <>
              {tab('run', 'Run', links.run(runId))}
              {tab('compare', 'Compare', links.compare({ runA: runId }))}
              {tab('pareto', 'Cost–quality', links.pareto(runId))}
              {tab('review', 'Review', links.review(runId))}
              {tab('safety', 'Safety', links.safety(runId))}
              {tab('playground', 'Playground', links.playground(runId))}
            </>
          )}
        </nav>
        {runId && (
          <span className="topbar-run mono" title="current run">
            {runId}
          </span>
        )}
        <SignOut />
      </header>
      <main className="content">
        {route.page === 'runs' && <RunsPage suite={route.params.get('suite') ?? undefined} />}
        {route.page === 'run' && <RunPage runId={route.runId} params={route.params} />}
        {route.page === 'case' && <CasePage runId={route.runId} caseId={route.caseId} params={route.params} />}
        {route.page === 'compare' && <ComparePage params={route.params} />}
        {route.page === 'pareto' && <ParetoPage runId={route.runId} />}
        {route.page === 'review' && <ReviewPage runId={route.runId} params={route.params} />}
        {route.page === 'safety' && <SafetyPage runId={route.runId} />}
        {route.page === 'monitor' && <MonitorPage suite={route.suite} monitor={route.monitor} params={route.params} />}
        {route.page === 'monitor-review' && <MonitorReviewPage suite={route.suite} monitor={route.monitor} />}
        {route.page === 'playground' && <PlaygroundPage params={route.params} />}
        {route.page === 'production-record' && <ProductionRecordPage recordId={route.recordId} params={route.params} />}
        {route.page === 'experiment' && <ExperimentPage name={route.name} />}
        {route.page === 'not-found' && (
          <div className="error-box">
            No such page. <a href={links.runs()}>Back to the runs</a>
          </div>
        )}
      </main>
    </div>
  );
}
