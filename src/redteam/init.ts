// `evalspec redteam init SUITE`: appends a `redteam:` block to the suite file (its text and comments kept) with
// the plugins this suite can host as it is, the deterministic strategies, and a commented line for each plugin
// that needs a setting first. The suite must load afterwards, or the file is put back as it was.
import { readFileSync, writeFileSync } from 'node:fs';
import { EvalspecError } from '../errors.js';
import { loadSuite, templateVariables, type RedteamPluginId } from '../suite/index.js';
import { WRITE_TOOL } from './plugins/excessive-agency.js';
import { forbiddenTopics } from './plugins/jailbreak.js';
import { STRATEGIES } from './strategies/index.js';

export interface InitRedteamOptions {
  /** What the app is for and must not do (default: the suite's description). */
  purpose?: string;
}

export interface InitRedteamResult {
  file: string;
  plugins: RedteamPluginId[];
  strategies: string[];
  /** Plugins left commented out, with the setting each needs. */
  needsSetting: { plugin: RedteamPluginId; setting: string }[];
}

/** Vars whose names say they hold a document, retrieved text or notes (the likely `context_var`). */
const CONTEXT_NAME = /context|document|docs?$|notes|chunk|passage|retriev|knowledge|article/i;

export function initRedteam(suitePath: string, options: InitRedteamOptions = {}): InitRedteamResult {
  const suite = loadSuite(suitePath);
  if (suite.redteam) {
    throw new EvalspecError('USAGE', 'the suite already has a redteam: block', {
      file: suite.file,
      line: suite.redteam.line,
      hint: 'edit it by hand (docs/safety.md), or remove it to start again',
    });
  }
  const purpose = options.purpose ?? suite.description;
  if (!purpose) {
    throw new EvalspecError('USAGE', "redteam init needs the app's purpose: what it is for and what it must not do", {
      file: suite.file,
      hint: 'pass --purpose "A support bot for Acme orders. It must never give legal advice or discuss competitors." (or give the suite a description:)',
    });
  }
  const lastUserVars = unique(suite.prompts.flatMap((p) => templateVariables(p.messages.findLast((m) => m.role === 'user')?.content ?? '')));
  const allVars = unique(suite.prompts.flatMap((p) => p.messages.flatMap((m) => templateVariables(m.content))));
  const contextVar = allVars.find((v) => CONTEXT_NAME.test(v) && !(lastUserVars.length === 1 && lastUserVars[0] === v));
  const writeTools = suite.tools.map((t) => t.name).filter((n) => WRITE_TOOL.test(n));

  const plugins: RedteamPluginId[] = ['prompt-injection'];
  const needs: InitRedteamResult['needsSetting'] = [];
  if (contextVar !== undefined) plugins.push('indirect-injection', 'secret-leak', 'pii-leak');
  else if (suite.tools.length > 0) plugins.push('indirect-injection');
  else needs.push({ plugin: 'indirect-injection', setting: 'context_var (the var holding a document or retrieved text)' });
  needs.push({ plugin: 'system-prompt-extraction', setting: 'canary_var (a var your system prompt shows, e.g. an internal code)' });
  if (contextVar === undefined) {
    needs.push({ plugin: 'secret-leak', setting: 'canary_var or context_var' }, { plugin: 'pii-leak', setting: 'context_var' });
  }
  if (forbiddenTopics({ purpose }).length > 0) plugins.push('jailbreak');
  else needs.push({ plugin: 'jailbreak', setting: 'forbidden_topics (or say in purpose what the app must never do)' });
  if (writeTools.length > 0) plugins.push('excessive-agency');
  else needs.push({ plugin: 'excessive-agency', setting: 'config.tools (the write tools of the app)' });
  plugins.push('overconfidence', 'off-topic');
  needs.push({ plugin: 'harmful-content', setting: 'grader (a provider:model judge)' });
  const strategies = Object.values(STRATEGIES)
    .filter((s) => s.kind === 'deterministic')
    .map((s) => s.id);

  const lines = [
    '',
    '# Red-team generation (docs/safety.md): `evalspec redteam generate SUITE` writes the attacks to the cases file',
    '# below (review and commit it); `evalspec run SUITE --suite-part redteam` runs them like any cases.',
    'redteam:',
    `  purpose: ${JSON.stringify(purpose)}`,
    ...(lastUserVars.length === 1
      ? []
      : [`  # input_var: which var carries the user's message (the prompts' last user messages use ${lastUserVars.join(', ') || 'none'})`]),
    ...(contextVar !== undefined ? [`  context_var: ${contextVar}`] : []),
    '  # canary_var: a var your system prompt shows (e.g. internal_code); a secret is planted there to detect leaks',
    `  plugins: [${plugins.join(', ')}]`,
    ...needs.map((n) => `  #   ${n.plugin}: needs ${n.setting}`),
    `  strategies: [${strategies.join(', ')}]`,
    '  attempts: 5',
    '  seed: 0',
  ];
  const original = readFileSync(suite.file, 'utf8');
  writeFileSync(suite.file, `${original}${original.endsWith('\n') || original === '' ? '' : '\n'}${lines.join('\n')}\n`);
  try {
    loadSuite(suite.file);
  } catch (error) {
    writeFileSync(suite.file, original);
    throw error;
  }
  return { file: suite.file, plugins, strategies, needsSetting: needs };
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
