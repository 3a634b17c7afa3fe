#!/usr/bin/env node
// Builds this example's data from τ-bench's historical trajectories (sierra-research/tau-bench, MIT; see
// NOTICE.md): historical_trajectories/gpt-4o-airline.json holds 200 real conversations of a GPT-4o
// tool-calling airline agent with a simulated user, 50 tasks × 4 trials, each with the benchmark's reward (1:
// the final database and outputs match the task's goal) and the task's expected actions. The data is 4 MB, so
// it is generated here, not committed (the outputs are git-ignored).
//
// Writes, next to this script:
//   cases.jsonl            50 tasks: id = task id, vars: instruction, user_id, expected_actions (JSON text of
//                          [{ name, args }], the τ-bench actions), cancel_forbidden ("yes" when the user asks to
//                          cancel and the expected actions hold no cancellation: the policy says no)
//   behaviour-cases.jsonl  the same tasks, with a critical `tool-not-called: cancel_reservation` check on the
//                          cancel_forbidden ones (so a bar over that check covers exactly those tasks)
//   replay.jsonl           200 records: id, repeat = trial, messages = traj (OpenAI chat format), metadata { reward }
//   labels.jsonl           the reward as a pass/fail label per (task, trial), for `evalspec calibrate`
// Usage: node examples/tau-bench-airline/build-data.mjs [path/to/gpt-4o-airline.json]
import { readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const src = process.argv[2] ?? join(here, '../../../shared/data/real/tau_bench/historical_trajectories/gpt-4o-airline.json');
const records = JSON.parse(readFileSync(src, 'utf8'));
const jsonl = (rows) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

const tasks = new Map();
for (const r of records) if (!tasks.has(r.task_id)) tasks.set(r.task_id, r.info.task);
const ids = [...tasks.keys()].sort((a, b) => a - b);
const caseId = (taskId) => `task-${String(taskId).padStart(2, '0')}`;

const cancelForbidden = (task) => /cancel/i.test(task.instruction) && !task.actions.some((a) => a.name === 'cancel_reservation');
const cases = ids.map((id) => {
  const task = tasks.get(id);
  return {
    id: caseId(id),
    vars: {
      instruction: task.instruction,
      user_id: task.user_id,
      expected_actions: JSON.stringify(task.actions.map((a) => ({ name: a.name, args: a.kwargs }))),
      cancel_forbidden: cancelForbidden(task) ? 'yes' : 'no',
    },
  };
});
const forbidCancel = {
  type: 'tool-not-called',
  tool: 'cancel_reservation',
  metric: 'forbidden-cancel',
  severity: 'critical',
  description: 'the user asks to cancel, the policy says no (the expected actions hold no cancellation)',
};
const behaviourCases = cases.map((c) => (c.vars.cancel_forbidden === 'yes' ? { ...c, checks: [forbidCancel] } : c));

const sorted = [...records].sort((a, b) => a.task_id - b.task_id || a.trial - b.trial);
const replay = sorted.map((r) => ({ id: caseId(r.task_id), repeat: r.trial, messages: r.traj, metadata: { reward: r.reward } }));
const labels = sorted.map((r) => ({ case_id: caseId(r.task_id), repeat: r.trial, label: r.reward === 1 ? 'pass' : 'fail', labeller: 'tau-bench-reward' }));

writeFileSync(join(here, 'cases.jsonl'), jsonl(cases));
writeFileSync(join(here, 'behaviour-cases.jsonl'), jsonl(behaviourCases));
writeFileSync(join(here, 'replay.jsonl'), jsonl(replay));
writeFileSync(join(here, 'labels.jsonl'), jsonl(labels));
const forbidden = cases.filter((c) => c.vars.cancel_forbidden === 'yes').length;
console.log(
  `wrote ${cases.length} cases (${forbidden} where cancelling is against the policy), ${replay.length} replay records and ${labels.length} labels from ${src}`,
);
