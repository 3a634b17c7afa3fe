// A throwaway PostgreSQL cluster for the tests and the benchmark: `initdb` + `pg_ctl` in a temporary folder, on
// a free loopback port, with password (SCRAM) authentication over TCP so the URL carries a real secret (the tests
// check it never leaks). Started once per vitest run by test/pg-global-setup.ts (EVALSPEC_TEST_PG_URL, an existing
// server's admin URL, replaces it) and by bench/workloads/w6-store-write.mjs. Binaries: on PATH, else the newest
// /usr/lib/postgresql/*/bin (Debian's `postgresql`). Plain JavaScript so both can import it.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

/** @typedef {{ url: string, stop: () => void }} PgCluster  url: the admin URL (database `postgres`), password included */

/** @param {string} name @returns {string | null} */
function which(name) {
  for (const dir of (process.env.PATH ?? '').split(':')) if (dir && existsSync(join(dir, name))) return join(dir, name);
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  for (const v of versions) if (existsSync(join(root, v, 'bin', name))) return join(root, v, 'bin', name);
  return null;
}

/** initdb and pg_ctl, or why they cannot be used. @returns {{ initdb: string, pgCtl: string } | { reason: string }} */
export function findPgBinaries() {
  const initdb = which('initdb');
  const pgCtl = which('pg_ctl');
  if (!initdb || !pgCtl) return { reason: 'no PostgreSQL binaries (initdb, pg_ctl) on PATH or in /usr/lib/postgresql/*/bin: apt-get install postgresql' };
  return { initdb, pgCtl };
}

/** @returns {Promise<number>} */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = /** @type {import('node:net').AddressInfo} */ (server.address()).port;
      server.close(() => resolve(port));
    });
  });
}

/** PostgreSQL refuses to run as root: as root, run the binaries as the `postgres` user (Debian's package creates it). */
function runAs() {
  if (userInfo().uid !== 0) return null;
  const line = execFileSync('getent', ['passwd', 'postgres'], { encoding: 'utf8' }).trim();
  const [, , uid, gid] = line.split(':');
  return {
    uid: Number(uid),
    gid: Number(gid),
    wrap: (/** @type {string} */ cmd, /** @type {string[]} */ args) => ['runuser', ['-u', 'postgres', '--', cmd, ...args]],
  };
}

/**
 * @param {{ durable?: boolean }} [options] durable: keep fsync and synchronous commits on (the benchmark's fair comparison)
 * @returns {Promise<PgCluster>}
 */
export async function startPgCluster(options = {}) {
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
  const exec = (/** @type {string} */ cmd, /** @type {string[]} */ args) => {
    const [c, a] = as ? as.wrap(cmd, args) : [cmd, args];
    execFileSync(c, a, { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir });
  };
  const port = await freePort();
  // --no-sync and (unless durable) fsync=off: a test cluster is thrown away, durability buys nothing there.
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
  const fast = options.durable ? '' : ' -c fsync=off -c synchronous_commit=off -c full_page_writes=off';
  const settings = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200${fast}`;
  exec(bins.pgCtl, ['-D', data, '-l', join(dir, 'log'), '-o', settings, '-w', '-t', '60', 'start']);
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
