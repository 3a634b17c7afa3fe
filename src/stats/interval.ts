// The one shape every interval in evalspec has: it always names its method and confidence level.
export interface Interval {
  /** e.g. "wilson", "clopper-pearson", "t", "clustered-t", "bootstrap-percentile". */
  method: string;
  /** Confidence level, e.g. 0.95. */
  level: number;
  low: number;
  high: number;
}
