// Every check type's implementation. `satisfies` makes TypeScript reject a CHECK_TYPES entry without one.
import type { CheckType } from '../suite/index.js';
import { isJson, jsonSchema } from './checks/json.js';
import { javascript } from './checks/javascript.js';
import { maxCost, maxLatencyMs } from './checks/metrics.js';
import {
  contains,
  containsAll,
  containsAny,
  equals,
  length,
  levenshtein,
  regex,
  similarity,
  startsWith,
} from './checks/text.js';
import type { CheckEvaluator } from './evaluator.js';
import { closedQa, factuality, faithfulness, judge, pairwise, rubric } from './judges/checks.js';

export const CHECKS = {
  equals,
  contains,
  'contains-any': containsAny,
  'contains-all': containsAll,
  regex,
  'starts-with': startsWith,
  'is-json': isJson,
  'json-schema': jsonSchema,
  javascript,
  levenshtein,
  similarity,
  length,
  'max-latency-ms': maxLatencyMs,
  'max-cost': maxCost,
  judge,
  rubric,
  pairwise,
  factuality,
  'closed-qa': closedQa,
  faithfulness,
} satisfies { [K in CheckType]: CheckEvaluator<K> };
