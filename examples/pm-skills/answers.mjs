// The answers under test: a person's written answers, read from a Markdown file with one section per
// scenario ("## eval-design", "## model-migration", …). PM_ANSWERS names the file (relative to the current
// directory); the default is the sample candidate's answers next to this module.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const file = process.env.PM_ANSWERS ? resolve(process.env.PM_ANSWERS) : fileURLToPath(new URL('./answers/sample-candidate.md', import.meta.url));
let sections;

function load() {
  if (sections) return sections;
  sections = new Map();
  let id;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const heading = /^##\s+([\w-]+)\s*$/.exec(line);
    if (heading) {
      id = heading[1];
      sections.set(id, []);
    } else if (id) sections.get(id).push(line);
  }
  return sections;
}

export default function answer({ caseId }) {
  const lines = load().get(caseId);
  if (!lines) throw new Error(`${file} has no "## ${caseId}" section`);
  const text = lines.join('\n').trim();
  if (!text) throw new Error(`the "## ${caseId}" section of ${file} is empty`);
  return { output: text, costUsd: 0 }; // a person's answer costs nothing to "call"
}
