// The monitor stage (issue #15): production quality. Scores queued production records with the suite's own checks
// and judges, runs the drift detectors of stats/ over the scored stream, opens and closes alerts, and turns
// production records into suite cases (`promote`).
export type * from './status-types.js';
