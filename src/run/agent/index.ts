// The agent loop (issue #16): network models with the suite's tools, run step by step through the AI SDK.
export { runAgent, runAgentItem, type AgentRun, type AgentContext, type AgentRetry } from './run-agent.js';
export { loadToolModules, argsContain, ToolAnswerer, type ToolAnswer, type ToolItem, type ToolModules } from './tool-answers.js';
export { stepCacheKey, StepFailure, type StepRecord } from './step-model.js';
export { buildAgentTranscript, toolResultText } from './agent-transcript.js';
export {
  buildSimulatedUserTargets,
  flippedConversation,
  scriptedTurns,
  simulatedUser,
  SIMULATED_USER_OPENING,
  type ConversationDriver,
  type SimulatedUserTarget,
} from './conversation.js';
