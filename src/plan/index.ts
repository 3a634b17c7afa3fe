// The plan stage: what will be called. The only import surface of plan/.
export {
  buildPlan,
  variantsOf,
  resultKey,
  repeatMajorItems,
  type Plan,
  type BuildPlanOptions,
  type Variant,
  type PlannedCase,
  type PlannedCases,
  type PlannedConversation,
  type WorkItem,
} from './plan.js';
