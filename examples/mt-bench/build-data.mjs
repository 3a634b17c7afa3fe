#!/usr/bin/env node
// Rebuilds this example's data slice from the MT-Bench files in ../shared/data/real/mt_bench (LMSYS
// FastChat, Apache-2.0): the 80 first-turn questions as cases, and the first-turn answers of four models
// as replay logs. The checks below are evalspec's own, written for these questions.
// Usage: node examples/mt-bench/build-data.mjs [path/to/shared/data/real/mt_bench]
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const src = process.argv[2] ?? join(here, '../../../shared/data/real/mt_bench');
const data = join(src, 'fastchat/llm_judge/data/mt_bench');
const readJsonl = (f) =>
  readFileSync(f, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

// Deterministic checks per question: correctness where the answer is objective (math, reasoning, with
// the reference answers), and instruction-following where the question states a format.
const correct = (pattern, flags = 'i') => ({ type: 'regex', value: pattern, flags, metric: 'correctness' });
const format = (check) => ({ metric: 'instruction-following', ...check });
const CHECKS = {
  101: [correct('second (place|position)|2nd place|in second\\b')],
  102: [correct('washington')],
  103: [correct('\\b(works?|working|job|employ\\w*|staff|nurse|doctor|volunteer\\w*)\\b')],
  104: [correct("\\b(no|zero|0|not have any|doesn't have any|does not have any) brothers?\\b|only brother")],
  105: [correct('secretary is alice|alice is the secretary|alice\\b[^.]{0,40}\\bsecretary')],
  106: [correct('(third statement|statement 3|statement three)[^.]{0,40}\\btrue\\b|\\bis true\\b|^\\W*true\\b', 'im')],
  107: [correct('grandfather|grandparent')],
  108: [correct('"?car"? (does not|doesn\'t) belong|odd one out is "?car|word that does not belong is "?car|car is (the|a) (whole|vehicle)')],
  109: [correct('\\bwest\\b')],
  110: [correct('\\(c\\)|\\bc\\)|option c\\b|situation c\\b')],
  111: [correct('area[^.]{0,60}\\b(is|=|of)\\s*\\**\\s*3\\b(?!\\s*[/.]\\d)|\\b3 square units')],
  112: [correct('\\$?12,?000\\b')],
  113: [correct('\\b19\\s?%|\\b0\\.19\\b')],
  114: [correct('35\\s*/\\s*36|\\b0\\.97')],
  115: [correct('\\b38\\b')],
  116: [correct('x\\s*[-−]\\s*y\\s*=\\s*0\\b')],
  117: [correct('\\b19\\b')],
  118: [correct('remainder[^.]{0,60}\\b(is|be|of|=)\\s*\\**0\\b')],
  119: [correct('\\$\\s?280\\b|\\b280\\b')],
  120: [correct('f\\(2\\)\\s*=\\s*\\**0\\b|value of f\\(2\\) is 0\\b')],
  83: [format({ type: 'length', max: 200, unit: 'words' })],
  89: [format({ type: 'regex', value: '^\\s*(4[.)]|\\*\\*4|option 4)', flags: 'im' })],
  131: [format({ type: 'json-schema', value: { type: 'array', items: { type: 'integer', minimum: 1, maximum: 5 }, minItems: 3, maxItems: 3 } })],
  133: [format({ type: 'regex', value: '^[^,\\n]+, [^,\\n]+, [^,\\n]+, \\d{4}\\.?$', flags: 'm' })],
  135: [format({ type: 'is-json' })],
  136: [format({ type: 'regex', value: '^\\W*amazon\\W*,\\s*\\d+', flags: 'im' })],
  137: [format({ type: 'json-schema', value: { type: 'object', minProperties: 3 } })],
  138: [format({ type: 'json-schema', value: { type: 'object', minProperties: 3 } })],
  139: [format({ type: 'is-json' })],
  140: [format({ type: 'regex', value: '(january|2022-01|\\bjan\\b)[^\\n]*,\\s*\\d', flags: 'i' })],
};

const questions = readJsonl(join(data, 'question.jsonl'));
const cases = questions.map((q) => {
  const checks = [...(CHECKS[q.question_id] ?? [])];
  if (q.category === 'coding') checks.push(format({ type: 'contains', value: '```' }));
  return { id: `q${q.question_id}`, vars: { question: q.turns[0] }, tags: [`category:${q.category}`], checks };
});
writeFileSync(join(here, 'cases.jsonl'), `${cases.map((c) => JSON.stringify(c)).join('\n')}\n`);

mkdirSync(join(here, 'outputs'), { recursive: true });
for (const model of ['gpt-4', 'gpt-3.5-turbo', 'claude-v1', 'vicuna-13b-v1.3']) {
  const answers = readJsonl(join(data, 'model_answer', `${model}.jsonl`));
  const lines = answers.map((a) => JSON.stringify({ id: `q${a.question_id}`, output: a.choices[0].turns[0] }));
  writeFileSync(join(here, 'outputs', `${model}.jsonl`), `${lines.join('\n')}\n`);
}
console.log(`wrote ${cases.length} cases and 4 replay logs to ${here}`);
