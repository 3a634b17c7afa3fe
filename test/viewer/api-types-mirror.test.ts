// src/viewer/types.ts and monitor-types.ts copy the server-side shapes the server sends (store rows, the run
// report, intervals, production records, monitor status) because the browser bundle (viewer-ui/) imports them and
// they must stay import-free. This file is type-checked by
// `npm run typecheck` (tsconfig.test.json): when a copy drifts from the type it mirrors, the object literal
// below stops compiling, naming the pair. The runtime assertion only keeps vitest from reporting an empty file.
import { describe, expect, it } from 'vitest';
import type * as Viewer from '../../src/viewer/types.js';
import type * as ViewerMonitor from '../../src/viewer/monitor-types.js';
import type { CaseRow, LabelRow, ResultRow, RunState, RunStatus, StoredCheck, StoredVariant } from '../../src/store/index.js';
import type { RunReport, VariantSummary } from '../../src/report/index.js';
import type { Interval } from '../../src/stats/index.js';
import type { ChainStep, JudgeDetail, Transcript } from '../../src/score/index.js';
import type { MonitorAlert, ProductionLabel, ProductionRecord, ProductionReviewItem, ProductionScore } from '../../src/store/index.js';
import type * as Monitor from '../../src/monitor/index.js';
import type { DeploymentStage, MonitorMetric } from '../../src/suite/index.js';

/** true when A and B are assignable both ways (the same shape for every value either side can hold). */
type Mirrors<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** true when A is assignable to B: the server value fits the viewer's (deliberately looser) shape. */
type Fits<A, B> = [A] extends [B] ? true : false;
/** T without its index signature: the properties it names. */
type Named<T> = { [K in keyof T as string extends K ? never : K]: T[K] };

const mirrored: Record<string, true> = {
  interval: true satisfies Mirrors<Viewer.Interval, Interval>,
  runStatus: true satisfies Mirrors<Viewer.RunStatus, RunStatus>,
  runState: true satisfies Mirrors<Viewer.RunState, RunState>,
  storedVariant: true satisfies Mirrors<Viewer.StoredVariant, StoredVariant>,
  judgeView: true satisfies Mirrors<Viewer.JudgeView, JudgeDetail>,
  storedCheck: true satisfies Mirrors<Viewer.StoredCheck, StoredCheck>,
  resultRow: true satisfies Mirrors<Viewer.ResultRow, ResultRow>,
  transcript: true satisfies Mirrors<Viewer.Transcript, Transcript>,
  chainStep: true satisfies Mirrors<Viewer.ChainStep, ChainStep>,
  caseRow: true satisfies Mirrors<Viewer.CaseRow, CaseRow>,
  labelRecord: true satisfies Mirrors<Viewer.LabelRecord, LabelRow>,
  variantSummary: true satisfies Mirrors<Viewer.VariantSummary, VariantSummary>,
  // ReportView names the report's stable head (every name must be one of RunReport's, with a type the report's
  // fits: formatVersion is number, not 1) and leaves the newer sections open ([section: string]: unknown).
  monitorMetric: true satisfies Mirrors<ViewerMonitor.MonitorMetric, MonitorMetric>,
  deploymentStage: true satisfies Mirrors<ViewerMonitor.DeploymentStage, DeploymentStage>,
  productionRecord: true satisfies Mirrors<ViewerMonitor.ProductionRecordView, ProductionRecord>,
  productionScore: true satisfies Mirrors<ViewerMonitor.ProductionScoreView, ProductionScore>,
  monitorAlert: true satisfies Mirrors<ViewerMonitor.MonitorAlertView, MonitorAlert>,
  productionLabel: true satisfies Mirrors<ViewerMonitor.ProductionLabelView, ProductionLabel>,
  productionReviewItem: true satisfies Mirrors<ViewerMonitor.ProductionReviewItemView, ProductionReviewItem>,
  metricStatus: true satisfies Mirrors<ViewerMonitor.MetricStatus, Monitor.MetricStatus>,
  promptLengthStatus: true satisfies Mirrors<ViewerMonitor.PromptLengthStatus, Monitor.PromptLengthStatus>,
  languageMixStatus: true satisfies Mirrors<ViewerMonitor.LanguageMixStatus, Monitor.LanguageMixStatus>,
  monitorStatus: true satisfies Mirrors<ViewerMonitor.MonitorStatus, Monitor.MonitorStatus>,
  monitorSeries: true satisfies Mirrors<ViewerMonitor.MonitorSeries, Monitor.MonitorSeries>,
  reportView: true satisfies Fits<Pick<RunReport, keyof Named<Viewer.ReportView>>, Named<Viewer.ReportView>>,
};

describe('viewer API types', () => {
  it('mirror the server-side types they copy (checked at compile time by npm run typecheck)', () => {
    expect(Object.values(mirrored).every((v) => v === true)).toBe(true);
  });
});
