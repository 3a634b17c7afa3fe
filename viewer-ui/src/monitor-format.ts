// Monitor metric values in their unit (display only: the figures are the server's).
import type { InputMetric, MonitorMetric } from './api';
import { int, ms, pct, usd } from './format';

export const METRIC_NAMES: Record<MonitorMetric | InputMetric, string> = {
  pass_rate: 'Pass rate',
  critical_rate: 'Critical-failure rate',
  cost_per_call: 'Cost per call',
  p95_latency: 'p95 latency',
  refusal_rate: 'Refusal rate',
  output_length: 'Output length (chars)',
  segment_mix: 'Segment mix',
  prompt_length: 'Prompt length (input tokens)',
  language_mix: 'Language mix',
};

export function metricValue(metric: MonitorMetric | InputMetric, x: number | null | undefined): string {
  if (metric === 'cost_per_call') return usd(x);
  if (metric === 'p95_latency') return ms(x);
  if (metric === 'output_length' || metric === 'prompt_length') return int(x);
  return pct(x);
}
