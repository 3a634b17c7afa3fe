#!/usr/bin/env node
// Rebuilds this example's data from RouteLLM's GSM8K responses (lm-sys/RouteLLM, Apache-2.0):
// routellm/evals/gsm8k/gsm8k_responses.csv has, for the 1,319 GSM8K test questions, the responses of
// GPT-4-1106-preview and Mixtral-8x7B-Instruct-v0.1 (8-shot, temperature 0) and RouteLLM's correctness flag
// for each. We ship the questions as cases and the responses as replay logs, and grade the responses again
// with RouteLLM's own rule (grade.mjs) against a reference answer per case.
//
// The CSV does not carry GSM8K's reference answers. Where RouteLLM graded a response correct, its grader
// read exactly the reference answer from it, so that number is the reference (1,225 questions; for the 747
// where both were correct the two agree). For the 94 questions neither model got right, the reference
// cannot be recovered from the CSV: `answer` is null there and the check fails, as RouteLLM graded them.
// This script asserts that grade.mjs reproduces RouteLLM's flag on all 2,638 responses.
//
// Segments: question length in words, cut at the terciles (short ≤ 36, medium 37–51, long ≥ 52): known
// before calling a model, so a router could use it.
// Usage: node examples/gsm8k-routing/build-data.mjs [path/to/gsm8k_responses.csv]
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { answerValue } from './grade.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const csv = process.argv[2] ?? join(here, '../../../shared/data/real/routellm/routellm/evals/gsm8k/gsm8k_responses.csv');
const rows = parse(readFileSync(csv), { columns: true });
const MODELS = [
  { column: 'gpt-4-1106-preview', file: 'gpt-4-1106-preview.jsonl' },
  { column: 'mistralai/Mixtral-8x7B-Instruct-v0.1', file: 'mixtral-8x7b-instruct.jsonl' },
];
const flag = (value) => {
  if (value !== 'True' && value !== 'False') throw new Error(`unexpected correctness flag ${JSON.stringify(value)}`);
  return value === 'True';
};
const words = (text) => text.trim().split(/\s+/).length;
const segmentOf = (text) => (words(text) <= 36 ? 'short' : words(text) <= 51 ? 'medium' : 'long');

let unrecovered = 0;
const cases = rows.map((row, i) => {
  const graded = MODELS.map((m) => ({ correct: flag(row[m.column]), value: answerValue(row[`${m.column}_response`]) }));
  const answers = new Set(graded.filter((g) => g.correct).map((g) => g.value));
  if (answers.size > 1 || answers.has(null)) throw new Error(`row ${i + 1}: responses graded correct disagree on the answer`);
  const answer = answers.size ? [...answers][0] : null;
  if (answer === null) unrecovered++;
  // The check must reproduce RouteLLM's grading of every response.
  for (const g of graded) {
    const ours = answer !== null && g.value === answer;
    if (ours !== g.correct) throw new Error(`row ${i + 1}: grade.mjs says ${ours}, RouteLLM says ${g.correct}`);
  }
  const record = { id: `gsm${i + 1}`, vars: { question: row.prompt, answer }, tags: [`segment:${segmentOf(row.prompt)}`] };
  if (answer === null) record.description = 'reference answer not recoverable from the CSV: neither model was correct (see NOTICE.md)';
  return record;
});
writeFileSync(join(here, 'cases.jsonl'), `${cases.map((c) => JSON.stringify(c)).join('\n')}\n`);

mkdirSync(join(here, 'outputs'), { recursive: true });
for (const m of MODELS) {
  const lines = rows.map((row, i) => JSON.stringify({ id: `gsm${i + 1}`, output: row[`${m.column}_response`] }));
  writeFileSync(join(here, 'outputs', m.file), `${lines.join('\n')}\n`);
}
const correct = (column) => rows.filter((r) => r[column] === 'True').length;
console.log(
  `wrote ${cases.length} cases (${unrecovered} without a recoverable reference) and ${MODELS.length} replay logs to ${here}; ` +
    MODELS.map((m) => `${m.column} ${correct(m.column)}/${rows.length}`).join(', '),
);
