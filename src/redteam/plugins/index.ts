// The plugin registry: one line per plugin, typed by suite/'s ids so an id cannot be valid in the suite and
// missing here. Each plugin makes base attacks with their graders (types.ts RedteamPlugin), one file each.
import type { RedteamPluginId } from '../../suite/index.js';
import type { RedteamPlugin } from '../types.js';
import { excessiveAgency } from './excessive-agency.js';
import { harmfulContent } from './harmful-content.js';
import { indirectInjection } from './indirect-injection.js';
import { jailbreak } from './jailbreak.js';
import { offTopic } from './off-topic.js';
import { overconfidence } from './overconfidence.js';
import { piiLeak } from './pii-leak.js';
import { promptInjection } from './prompt-injection.js';
import { secretLeak } from './secret-leak.js';
import { systemPromptExtraction } from './system-prompt-extraction.js';

export const PLUGINS = {
  'prompt-injection': promptInjection,
  'indirect-injection': indirectInjection,
  'system-prompt-extraction': systemPromptExtraction,
  'secret-leak': secretLeak,
  'pii-leak': piiLeak,
  jailbreak,
  'excessive-agency': excessiveAgency,
  overconfidence,
  'off-topic': offTopic,
  'harmful-content': harmfulContent,
} satisfies Record<RedteamPluginId, RedteamPlugin>;
