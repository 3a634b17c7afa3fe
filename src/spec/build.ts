// buildSpec: the suite rendered as the product spec (issue #19), as data. The suite file gives what "good" means,
// the failure classes, the data's sources and segments, the deployment stage and the kill switch; the store (when
// given) gives the figures of the latest run, the labels and calibrations, the selection and production; git gives
// the change log. Whatever is missing is a gap with its fix, never left out.
import { existsSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import { loadSuite, type Suite } from '../suite/index.js';
import type { Store } from '../store/index.js';
import type { Volume } from '../analysis/index.js';
import { loadEvidence } from './evidence.js';
import { goodSection } from './good.js';
import { failuresSection } from './failures.js';
import { safetySection } from './safety.js';
import { dataSection } from './data.js';
import { selectionSection } from './selection.js';
import { deploymentSection, statusSection } from './status.js';
import { changeWords, suiteChangeLog } from './changelog.js';
import type { SpecBlock, SpecDocument, SpecGap, SpecSection } from './types.js';

export interface BuildSpecOptions {
  /** The store to read runs, labels, calibrations and production from; none: every figure is a gap. */
  store?: Store;
  /** Read the change log from git (default true). */
  git?: boolean;
  /** Traffic volume for the spend projection (`--volume`). */
  volume?: Volume;
  /** The time the spec is made at: its date, and the end of the monitors' windows (`--now`, to replay a past day); default now. */
  now?: Date;
}

function overviewSection(suite: Suite): SpecSection {
  const spec = suite.spec ?? {};
  const blocks: SpecBlock[] = [];
  const gaps: SpecGap[] = [];
  const field = (id: string, label: string, value: string | undefined, fix: string) => {
    if (value) blocks.push({ kind: 'paragraph', text: `${label}: ${value}` });
    else gaps.push({ id, section: 'overview', message: `no ${label.toLowerCase()}`, fix });
  };
  field('feature', 'Feature', spec.feature ?? suite.description, 'describe the feature under spec: feature: (or the suite description:)');
  field('owner', 'Owner', spec.owner, 'name the owner under spec: owner:');
  field('user-story', 'User story', spec.user_story, 'write it under spec: user_story: ("As a …, I want …, so that …")');
  if (spec.wireframe) blocks.push({ kind: 'link', label: 'Wireframe', target: spec.wireframe });
  else
    gaps.push({
      id: 'wireframe',
      section: 'overview',
      message: 'no wireframe',
      fix: 'link it under spec: wireframe: (a path or URL; it is shown, never fetched)',
    });
  if (spec.notes) blocks.push({ kind: 'paragraph', text: `Notes: ${spec.notes}` });
  const variants = suite.models.map((m) => m.label).join(', ');
  blocks.push({
    kind: 'paragraph',
    text: `Suite ${suite.name} (hash ${suite.hash}): ${suite.cases.length.toLocaleString('en-US')} cases × ${suite.models.length} model${suite.models.length === 1 ? '' : 's'} (${variants}) × ${suite.prompts.length} prompt${suite.prompts.length === 1 ? '' : 's'}${suite.repeat > 1 ? `, ${suite.repeat} repeats` : ''}${suite.baseline ? `; baseline ${suite.baseline}` : ''}.`,
  });
  return { id: 'overview', title: 'Overview', blocks, figures: { feature: spec.feature ?? suite.description ?? null, owner: spec.owner ?? null }, gaps };
}

async function changesSection(suite: Suite, git: boolean): Promise<SpecSection> {
  const base = { id: 'changes' as const, title: 'Change log' };
  if (!git) return { ...base, blocks: [{ kind: 'paragraph', text: 'Not read (--no-git).' }], figures: {}, gaps: [] };
  const casesFile = typeof suite.storedConfig.cases === 'string' ? suite.storedConfig.cases : null;
  const log = await suiteChangeLog(suite.file, casesFile);
  if (!log.ok) {
    return {
      ...base,
      blocks: [],
      figures: { entries: [] },
      gaps: [{ id: 'git', section: 'changes', message: `no change log: ${log.reason}`, fix: 'keep the suite and its cases in git' }],
    };
  }
  const blocks: SpecBlock[] = [
    {
      kind: 'table',
      head: ['date', 'commit', 'author', 'message', 'what changed in the spec'],
      rows: log.entries.map((e) => [e.date.slice(0, 10), e.commit.slice(0, 10), e.author, e.subject, changeWords(e)]),
    },
  ];
  if (log.omitted > 0) blocks.push({ kind: 'paragraph', text: `${log.omitted} older commit(s) not shown.` });
  return { ...base, blocks, figures: { entries: log.entries, omitted: log.omitted }, gaps: [] };
}

/** A path under the working directory as a relative path (what the reader typed), else absolute. */
function shownPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

export async function buildSpec(suitePath: string, options: BuildSpecOptions = {}): Promise<SpecDocument> {
  // The spec covers every case the suite has: its own and, once generated, the red-team cases of its `redteam:` block.
  const own = loadSuite(suitePath);
  const loaded = own.redteam && existsSync(own.redteam.casesFile) ? loadSuite(suitePath, { part: 'all' }) : own;
  // The spec names the suite as the reader's commands would (`evalspec run evalspec.yaml`), not by a machine's path.
  const suite: Suite = { ...loaded, file: shownPath(loaded.file) };
  const evidence = await loadEvidence(options.store ?? null, suite.name);
  const sections: SpecSection[] = [
    overviewSection(suite),
    goodSection(suite),
    failuresSection(suite, evidence),
    safetySection(suite, evidence),
    dataSection(suite, evidence),
    await selectionSection(suite, evidence, options.volume),
    await statusSection(suite, evidence, options.now),
    deploymentSection(suite),
    await changesSection(suite, options.git ?? true),
  ];
  if (!options.store) {
    // One gap says why every figure is missing; the sections' own gaps say which.
    sections
      .find((x) => x.id === 'status')!
      .gaps.unshift({
        id: 'store',
        section: 'status',
        message: 'no store read: no run, label or production figure',
        fix: 'pass --db PATH|URL (the store `evalspec run` wrote to)',
      });
  }
  return {
    suite: { name: suite.name, file: suite.file, hash: suite.hash, description: suite.description ?? null },
    generatedAt: (options.now ?? new Date()).toISOString(),
    store: options.store ? (isAbsolute(options.store.location) ? shownPath(options.store.location) : options.store.location) : null,
    runId: evidence.run?.id ?? null,
    required: suite.spec?.required ?? [],
    sections,
  };
}
