// The model-graded check types are defined in score/ (score/judges/, each with judge metadata in its registry
// entry); what the suite and run stages ask about them is derived there and re-exported here.
export { isDeferredCheck, isJudgeCheckType, judgeModelsOf, JUDGE_CHECK_TYPES, type JudgeModelInput } from '../score/index.js';
