// Judge calibration: human labels (import) and how far each judge agrees with them (calibrate). Sits above
// store/ and stats/, next to report/. The only import surface of calibration/.
export { readLabelsFile, normaliseLabel, type LabelInput } from './labels-file.js';
export { importLabels, type ImportLabelsOptions, type ImportLabelsResult } from './labels-import.js';
export {
  calibrateRun,
  type CalibrateOptions,
  type CalibrationKind,
  type HumanAgreement,
  type JudgeCalibration,
  type PairwiseOrderFigures,
  type RunCalibration,
} from './calibrate.js';
export { calibrateProduction, type ProductionCalibration } from './calibrate-production.js';
export { type DecisionRule, type Rate, type ThresholdAdvice, type ThresholdChoice } from './threshold.js';
export { renderCalibration, agreementSentence } from './render.js';
