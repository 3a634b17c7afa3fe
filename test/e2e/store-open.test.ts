// Opening the store: a command that only reads creates nothing (no folder, no database, no -wal/-shm left
// behind) and works on a read-only store; a missing, non-SQLite, damaged or read-only store is a clear
// error[STORE] (exit 2) naming the path and the fix, never a stack trace (exit 70).
//
// Tests usually run as root, for whom chmod changes nothing: the read-only cases then run the CLI as the
// unprivileged user "nobody" (uid 65534), for whom a 0555 folder and a 0444 file really are read-only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { chmodSync, cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, runCli, tempDir, writeFiles, jsonl, cleanupTempDirs, type CliResult } from '../helpers/cli.js';
import { countRows, dbPath } from '../helpers/store.js';
import type { RunsResponse } from '../../src/viewer/index.js';

const SUITE = ['name: store-open', 'models: [function:./app.mjs]', 'cases: cases.jsonl', 'checks: [{ type: contains, value: "{{expected}}" }]', ''].join('\n');
const FILES = {
  'evalspec.yaml': SUITE,
  'cases.jsonl': jsonl([
    { id: 'c1', vars: { expected: '2' } },
    { id: 'c2', vars: { expected: '4' } },
  ]),
  'app.mjs': 'export default async function ({ vars }) { return `the answer is ${vars.expected}`; }\n',
};

const asRoot = process.getuid?.() === 0;
const NOBODY = 65534;

/** Run the CLI as a user who cannot write what root can (see the header). */
function runCliUnprivileged(args: string[], cwd: string): Promise<CliResult> {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd,
    env: { PATH: process.env.PATH, HOME: cwd, CI: 'true', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(asRoot ? { uid: NOBODY, gid: NOBODY } : {}),
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (exitCode, signal) => resolve({ stdout, stderr, exitCode, signal })));
}

function expectStoreError(result: CliResult, text: string): void {
  expect(result.stderr).not.toContain('internal error');
  expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  expect(result.exitCode, result.stderr).toBe(2);
  expect(result.stderr).toContain('error[STORE]');
  expect(result.stderr).toContain(text);
  expect(result.stderr).toMatch(/\n {2}fix: \S/);
}

let stored: string; // a folder with a completed run in .evalspec/evalspec.db
let runId: string;

beforeAll(async () => {
  stored = tempDir();
  writeFiles(stored, FILES);
  const result = await runCli(['run', 'evalspec.yaml', '--json', 'out.json'], { cwd: stored });
  expect(result.exitCode, result.stderr).toBe(0);
  runId = JSON.parse(readFileSync(join(stored, 'out.json'), 'utf8')).runId;
});
afterAll(() => cleanupTempDirs());

/** A fresh copy of the stored folder, to damage or lock down. */
function copyOfStored(): string {
  const dir = tempDir();
  cpSync(stored, dir, { recursive: true });
  return dir;
}

describe('reading commands create nothing', () => {
  it('runs --db with a mistyped path: a clear error, and no folder or database is created', async () => {
    const dir = tempDir();
    for (const args of [
      ['runs', '--db', 'typo/dir/evalspec.db'],
      ['show', 'latest', '--db', 'typo/dir/evalspec.db'],
      ['gate', 'latest', '--db', 'typo/x.db'],
    ]) {
      const result = await runCli(args, { cwd: dir });
      expectStoreError(result, 'no database at this path');
      expect(result.stderr).toContain(`error[STORE] ${join(dir, args.at(-1)!)}`);
      expect(result.stderr).toContain('fix: run `evalspec run SUITE` first, or pass --db');
    }
    expect(readdirSync(dir)).toEqual([]);
  });

  it('runs with no store in the folder: the default path is named and not created', async () => {
    const dir = tempDir();
    const result = await runCli(['runs'], { cwd: dir });
    expectStoreError(result, 'no database at this path');
    expect(result.stderr).toContain(join(dir, '.evalspec/evalspec.db'));
    expect(existsSync(join(dir, '.evalspec'))).toBe(false);
  });

  it('runs and show on a writable store leave the file as it was and no -wal or -shm file behind', async () => {
    const dir = copyOfStored();
    const before = readFileSync(dbPath(dir));
    const runs = await runCli(['runs'], { cwd: dir });
    expect(runs.exitCode, runs.stderr).toBe(0);
    expect(runs.stdout).toContain(runId);
    const show = await runCli(['show', runId], { cwd: dir });
    expect(show.exitCode, show.stderr).toBe(0);
    expect(readdirSync(join(dir, '.evalspec'))).toEqual(['evalspec.db']);
    expect(readFileSync(dbPath(dir)).equals(before)).toBe(true);
  });
});

describe('a read-only store', () => {
  let dir: string;
  beforeAll(() => {
    dir = copyOfStored();
    // Readable by everyone, writable by no one but root: the folder and the store file.
    chmodSync(dir, 0o755);
    chmodSync(dbPath(dir), 0o444);
    chmodSync(join(dir, '.evalspec'), 0o555);
  });

  it('runs, show and gate work, and nothing is written next to it', async () => {
    const runs = await runCliUnprivileged(['runs'], dir);
    expect(runs.exitCode, runs.stderr).toBe(0);
    expect(runs.stdout).toContain(runId);
    const show = await runCliUnprivileged(['show', 'latest'], dir);
    expect(show.exitCode, show.stderr).toBe(0);
    expect(show.stdout).toContain(`run ${runId}`);
    expect(show.stdout).toContain('100.0%');
    const gate = await runCliUnprivileged(['gate', runId], dir);
    expect(gate.exitCode, gate.stderr).toBe(0);
    expect(readdirSync(join(dir, '.evalspec'))).toEqual(['evalspec.db']);
  });

  it('view serves the runs; a label write answers 503 saying the store is read-only', async () => {
    const child = spawn(process.execPath, [CLI, 'view', '--port', '0'], {
      cwd: dir,
      env: { PATH: process.env.PATH, HOME: dir, CI: 'true', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(asRoot ? { uid: NOBODY, gid: NOBODY } : {}),
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d) => {
          out += d;
          const m = /open (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
          if (m) resolve(m[1]);
        });
        child.on('close', () => reject(new Error(`view exited: ${stderr}`)));
      });
      const runs = await fetch(`${url}api/runs`);
      expect(runs.status).toBe(200);
      expect(((await runs.json()) as RunsResponse).runs.map((r) => r.id)).toEqual([runId]);
      const write = await fetch(`${url}api/runs/${runId}/labels`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Evalspec-Request': '1' },
        body: JSON.stringify({ caseId: 'c1', variantId: 'app', repeat: 0, label: 'pass' }),
      });
      expect(write.status).toBe(503);
      expect(((await write.json()) as { error: string }).error).toContain('the store is read-only');
    } finally {
      child.kill('SIGINT');
    }
    expect(readdirSync(join(dir, '.evalspec'))).toEqual(['evalspec.db']);
  });

  it('run: refused before any call with the read-only error and the fix; the store keeps its one run', async () => {
    const result = await runCliUnprivileged(['run', 'evalspec.yaml'], dir);
    expectStoreError(result, 'the store is read-only and this command writes to it');
    expect(result.stderr).toContain('fix: make the file and its folder writable');
    expect(result.stderr).not.toContain('progress:');
    expect(countRows(dir, 'runs')).toBe(1);
  });
});

describe('a file that is not a usable store', () => {
  it('a text file given as --db: not a SQLite database, for reading and for writing commands; the file is untouched', async () => {
    const dir = tempDir();
    writeFiles(dir, { ...FILES, 'notes.db': 'these are my notes, not a database\n'.repeat(200) });
    const before = readFileSync(join(dir, 'notes.db'));
    for (const args of [
      ['runs', '--db', 'notes.db'],
      ['show', 'latest', '--db', 'notes.db'],
      ['run', 'evalspec.yaml', '--db', 'notes.db'],
    ]) {
      const result = await runCli(args, { cwd: dir });
      expectStoreError(result, 'not an evalspec store: the file is not a SQLite database');
      expect(result.stderr).toContain(`error[STORE] ${join(dir, 'notes.db')}:`);
      expect(result.stderr).toContain('fix: pass --db with the path of your store');
    }
    expect(readFileSync(join(dir, 'notes.db')).equals(before)).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['app.mjs', 'cases.jsonl', 'evalspec.yaml', 'notes.db']);
  });

  it("another application's SQLite database is not turned into a store", async () => {
    const dir = copyOfStored();
    // A store with its bookkeeping table renamed stands in for a foreign database with tables of its own.
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(dbPath(dir));
    db.exec('ALTER TABLE schema_migrations RENAME TO app_versions');
    db.close();
    const result = await runCli(['run', 'evalspec.yaml'], { cwd: dir });
    expectStoreError(result, 'a SQLite database but not an evalspec store');
  });

  it('a damaged store (pages overwritten): runs and run name the path and how to recover', async () => {
    const dir = copyOfStored();
    const bytes = readFileSync(dbPath(dir));
    const page = 4096;
    expect(bytes.length).toBeGreaterThan(4 * page);
    // Keep the header and the schema page (page 1); every table's pages become garbage.
    bytes.fill(0x41, page);
    writeFileSync(dbPath(dir), bytes);
    for (const args of [['runs'], ['show', runId], ['run', 'evalspec.yaml']]) {
      const result = await runCli(args, { cwd: dir });
      expectStoreError(result, 'the store is damaged (SQLite: database disk image is malformed)');
      expect(result.stderr).toContain(`error[STORE] ${dbPath(dir)}:`);
      expect(result.stderr).toContain(`\`sqlite3 ${dbPath(dir)} .recover\``);
    }
  });
});
