// A throwaway PostgreSQL cluster for the tests: `initdb` + `pg_ctl` in a temporary folder, on a free loopback
// port, with password (SCRAM) authentication over TCP so the URL carries a real secret (the tests check it never
// leaks). Started once per vitest run by test/pg-global-setup.ts; EVALSPEC_TEST_PG_URL (an existing server's admin
// URL) replaces it. Binaries: on PATH, else the newest /usr/lib/postgresql/*/bin (Debian's `postgresql`).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export interface PgCluster {
  /** Admin URL (database `postgres`), password included. */
  url: string;
  stop(): void;
}

function which(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(':')) if (dir && existsSync(join(dir, name))) return join(dir, name);
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  for (const v of versions) if (existsSync(join(root, v, 'bin', name))) return join(root, v, 'bin', name);
  return null;
}

/** initdb and pg_ctl, or why they cannot be used. */
export function findPgBinaries(): { initdb: string; pgCtl: string } | { reason: string } {
  const initdb = which('initdb');
  const pgCtl = which('pg_ctl');
  if (!initdb || !pgCtl) return { reason: 'no PostgreSQL binaries (initdb, pg_ctl) on PATH or in /usr/lib/postgresql/*/bin: apt-get install postgresql' };
  return { initdb, pgCtl };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/** PostgreSQL refuses to run as root: as root, run the binaries as the `postgres` user (Debian's package creates it). */
function runAs(): { uid: number; gid: number; wrap: (cmd: string, args: string[]) => [string, string[]] } | null {
  if (userInfo().uid !== 0) return null;
  const line = execFileSync('getent', ['passwd', 'postgres'], { encoding: 'utf8' }).trim();
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid), wrap: (cmd, args) => ['runuser', ['-u', 'postgres', '--', cmd, ...args]] };
}

export async function startPgCluster(): Promise<PgCluster> {
  const bins = findPgBinaries();
  if ('reason' in bins) throw new Error(bins.reason);
  const dir = mkdtempSync(join(tmpdir(), 'evalspec-pg-'));
  const data = join(dir, 'data');
  const password = randomBytes(12).toString('hex');
  const pwfile = join(dir, 'pw');
  writeFileSync(pwfile, `${password}\n`);
  const as = runAs();
  if (as) {
    chownSync(dir, as.uid, as.gid);
    chownSync(pwfile, as.uid, as.gid);
  }
  const exec = (cmd: string, args: string[]) => {
    const [c, a] = as ? as.wrap(cmd, args) : [cmd, args];
    execFileSync(c, a, { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir });
  };
  const port = await freePort();
  // --no-sync and fsync=off: a test cluster is thrown away, durability buys nothing here.
  exec(bins.initdb, [
    '-D',
    data,
    '-U',
    'evalspec',
    `--pwfile=${pwfile}`,
    '--auth-local=trust',
    '--auth-host=scram-sha-256',
    '-E',
    'UTF8',
    '--locale=C',
    '--no-sync',
  ]);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  exec(bins.pgCtl, ['-D', data, '-l', join(dir, 'log'), '-o', options, '-w', '-t', '60', 'start']);
  return {
    url: `postgres://evalspec:${password}@127.0.0.1:${port}/postgres`,
    stop: () => {
      try {
        exec(bins.pgCtl, ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
