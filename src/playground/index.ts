// The playground stage (issue #20): trials of a prompt, model or params on a slice of a stored run's cases,
// compared with the stored variant; saving a prompt version into the suite file; a full run against the stored
// run. The only import surface of playground/. The API shapes are the viewer's (viewer/playground-types.ts).
export type { PlaygroundService } from '../viewer/index.js';
export { createPlayground, DEFAULT_MAX_COST_USD, DEFAULT_MAX_TRIAL_CASES, type PlaygroundOptions } from './create.js';
export { savePrompt, nextPromptId } from './save-prompt.js';
export { TRIAL_LABEL } from './trial.js';
export { PLAYGROUND_PROMPT_ID } from './trial-plan.js';
