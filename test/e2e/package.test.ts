// The npm package as a user gets it: `npm pack` (scripts ignored, so nothing is rebuilt: it packs the dist/
// that `npm test` built), unpacked into node_modules/evalspec of a fresh project whose node_modules holds
// only the declared `dependencies` (so a runtime import of a devDependency fails here), then used.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { REPO, cleanupTempDirs, tempDir } from '../helpers/cli.js';
import { CHAIN_EXAMPLE, startChainFake } from '../helpers/chain-example.js';
import { KEY } from '../fake-provider/helpers.js';

interface Ran {
  stdout: string;
  stderr: string;
  code: number | null;
}

function run(command: string, args: string[], cwd: string): Promise<Ran> {
  // No npm_* variables from an enclosing `npm test`: they would change what `npm pack` does.
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, CI: 'true', NO_COLOR: '1', npm_config_update_notifier: 'false' };
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ stdout, stderr, code }));
  });
}

const repoPackage = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string> };

let shipped: string[]; // paths inside the package, as npm lists them
let project: string; // the user's project, with node_modules/evalspec
let installed: string; // project/node_modules/evalspec
const cli = () => join(installed, 'dist/cli/main.js');

beforeAll(async () => {
  const dir = tempDir('evalspec-pack-');
  const pack = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], REPO);
  expect(pack.code, pack.stderr).toBe(0);
  const [info] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
  shipped = info.files.map((f) => f.path).sort();

  project = join(dir, 'project');
  installed = join(project, 'node_modules/evalspec');
  mkdirSync(installed, { recursive: true });
  const untar = await run('tar', ['-xzf', join(dir, info.filename), '-C', installed, '--strip-components=1'], dir);
  expect(untar.code, untar.stderr).toBe(0);
  // A symlinked dependency resolves its own dependencies from its real place in the repository's node_modules.
  for (const name of Object.keys(repoPackage.dependencies)) {
    const link = join(project, 'node_modules', name);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(join(REPO, 'node_modules', name), link, 'dir');
  }
}, 60_000);
afterAll(() => cleanupTempDirs());

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'));
}

describe('the npm package', () => {
  it('ships the built library, CLI and viewer with README, LICENSE and docs, and nothing from development', () => {
    for (const f of [
      'package.json',
      'README.md',
      'LICENSE',
      'dist/index.js',
      'dist/index.d.ts',
      'dist/cli/main.js',
      'dist/viewer/report-worker.js',
      'dist/viewer/public/index.html',
      'docs/architecture.md',
    ]) {
      expect(shipped, f).toContain(f);
    }
    for (const prefix of ['src/', 'test/', 'bench/', 'viewer-ui/', 'examples/', 'scripts/', '.ci/', 'node_modules/', '.evalspec/']) {
      expect(
        shipped.filter((f) => f.startsWith(prefix)),
        prefix,
      ).toEqual([]);
    }
    // Test files, databases and the screenshots of docs/viewer (1.4 MB, only docs/viewer.md shows them) stay out.
    expect(shipped.filter((f) => /\.test\.|\.db(-wal|-shm)?$|\.png$|tsbuildinfo/.test(f))).toEqual([]);
    // The viewer page's scripts and styles are all in the package.
    const page = readFileSync(join(installed, 'dist/viewer/public/index.html'), 'utf8');
    const assets = [...page.matchAll(/(?:src|href)="\/([^"]+)"/g)].map((m) => `dist/viewer/public/${m[1]}`);
    expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
    for (const a of assets) expect(shipped, a).toContain(a);
  });

  it('has no source map pointing at a file it does not ship', () => {
    // The package is built without source maps (tsconfig sourceMap: false): Node ignores them unless run with
    // --enable-source-maps, and tsc's ES2022 output keeps the code's shape and comments. Whatever the build
    // emits, a shipped file must not reference a map, nor a map a source, that is missing from the package.
    const files = new Set(filesUnder(installed));
    expect([...files].sort()).toEqual(shipped);
    const dangling: string[] = [];
    for (const f of files) {
      const path = join(installed, f);
      if (f.endsWith('.js') || f.endsWith('.mjs')) {
        const m = /^\/\/# sourceMappingURL=(\S+)\s*$/m.exec(readFileSync(path, 'utf8'));
        if (m && !m[1].startsWith('data:') && !files.has(join(dirname(f), m[1]).split(sep).join('/'))) dangling.push(`${f} → ${m[1]}`);
      }
      if (f.endsWith('.map')) {
        const map = JSON.parse(readFileSync(path, 'utf8')) as { sources: string[]; sourcesContent?: unknown[] };
        if (map.sourcesContent?.length === map.sources.length) continue;
        for (const s of map.sources) if (!files.has(join(dirname(f), s).split(sep).join('/'))) dangling.push(`${f} → ${s}`);
      }
    }
    expect(dangling).toEqual([]);
  });

  it('prints the version of the package.json it was installed with', async () => {
    // The repository's build prints the repository's version…
    const fromRepo = await run(process.execPath, [join(REPO, 'dist/cli/main.js'), '--version'], REPO);
    expect(fromRepo.code, fromRepo.stderr).toBe(0);
    expect(fromRepo.stdout.trim()).toBe(repoPackage.version);
    // …and the installed copy reads its own package.json at run time (a version written anywhere else fails here).
    const manifest = join(installed, 'package.json');
    const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
    expect(pkg.version).toBe(repoPackage.version);
    writeFileSync(manifest, JSON.stringify({ ...pkg, version: `${repoPackage.version}-installed.7` }));
    const fromInstall = await run(process.execPath, [cli(), '--version'], project);
    expect(fromInstall.code, fromInstall.stderr).toBe(0);
    expect(fromInstall.stdout.trim()).toBe(`${repoPackage.version}-installed.7`);
  });

  it('runs `init`, `run` and `view` from the installed package, with only its dependencies', async () => {
    // init writes its files from templates inside dist/cli/init.js: it reads nothing else from the package.
    const init = await run(process.execPath, [cli(), 'init', 'my-suite'], project);
    expect(init.code, init.stderr).toBe(0);
    const suiteRun = await run(process.execPath, [cli(), 'run', 'my-suite/evalspec.yaml', '--json', 'out.json'], project);
    expect(suiteRun.code, suiteRun.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(project, 'out.json'), 'utf8')) as { runId: string; status: string; variants: { cases: number }[] };
    expect(report.status).toBe('completed');
    expect(report.variants[0].cases).toBe(6);
    expect(existsSync(join(project, '.evalspec/evalspec.db'))).toBe(true);

    const view = spawn(process.execPath, [cli(), 'view'], {
      cwd: project,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        let err = '';
        view.stderr.on('data', (d) => (err += d));
        view.stdout.on('data', (d) => {
          out += d;
          const m = /open (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
          if (m) resolve(m[1]);
        });
        view.on('exit', (code) => reject(new Error(`view exited ${code}: ${out} ${err}`)));
      });
      const page = await (await fetch(url)).text();
      expect(page).toContain('<div id="root">');
      for (const [, asset] of page.matchAll(/(?:src|href)="\/([^"]+)"/g)) expect((await fetch(url + asset)).status, asset).toBe(200);
      // The full report is built in a worker thread loaded from dist/viewer/report-worker.js.
      const full = await fetch(`${url}api/runs/${report.runId}/report`);
      expect(full.status).toBe(200);
      expect(((await full.json()) as { report: { runId: string } }).report.runId).toBe(report.runId);
    } finally {
      view.removeAllListeners('exit');
      view.kill('SIGINT');
    }
  });

  it('lets a chain module of the project import `evalspec/chain` (examples/chain against the fake provider)', async () => {
    const fake = await startChainFake();
    try {
      cpSync(CHAIN_EXAMPLE, join(project, 'chain'), { recursive: true });
      const env = { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', OPENAI_API_KEY: KEY, OPENAI_BASE_URL: fake.openaiBaseURL };
      const child = spawn(process.execPath, [cli(), 'run', 'chain', '--no-progress', '--json', 'chain.json'], { cwd: project, env, stdio: 'ignore' });
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(code).toBe(0);
      const report = JSON.parse(readFileSync(join(project, 'chain.json'), 'utf8')) as { results: { error: unknown; transcript?: { chain?: unknown[] } }[] };
      // Both variants on 8 tickets, each result with its two steps: the import resolved to the installed package.
      expect(report.results).toHaveLength(16);
      for (const r of report.results) expect([r.error, r.transcript?.chain?.length]).toEqual([null, 2]);
    } finally {
      await fake.close();
    }
  });
});
