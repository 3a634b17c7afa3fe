// `evalspec tokens create|list|revoke`: the shared viewer's named access tokens (`evalspec view --host …`).
// A token is shown once, when created; the store keeps only its SHA-256 (src/viewer/auth.ts says why that is enough).
import type { Command } from 'commander';
import type { CliIO } from '../cli-io.js';
import { EvalspecError } from '../../errors.js';
import { openStore } from '../../store/index.js';
import { generateToken, hashToken } from '../../viewer/index.js';
import { textTable } from '../../report/index.js';

/** A token's name becomes the labeller of every label written with it: short, printable, no spaces. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

function tokenName(value: string): string {
  if (!NAME.test(value)) {
    throw new EvalspecError(
      'USAGE',
      `--name must be 1–64 letters, digits, ".", "_", "@" or "-" (starting with a letter or digit), got ${JSON.stringify(value)}`,
      {
        hint: 'e.g. --name alice or --name alice@example.com',
      },
    );
  }
  return value;
}

const minute = (iso: string | null) => (iso ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : 'never');

export function registerTokensCommand(program: Command, io: CliIO): void {
  const tokens = program.command('tokens').description('access tokens for the shared viewer (evalspec view --host): create, list, revoke');

  tokens
    .command('create')
    .description('create a token for one person; it is printed once and stored only as a hash')
    .requiredOption('--name <name>', 'who holds it: labels written with it record this name')
    .action(async (opts: { name: string }) => {
      const name = tokenName(opts.name);
      const store = openStore(program.opts().db);
      try {
        const token = generateToken();
        await store.tokens.create({ name, hash: hashToken(token), createdAt: new Date().toISOString() });
        // The token alone on stdout (TOKEN=$(evalspec tokens create --name x)); the advice on stderr.
        io.stderr(`token for ${name} in ${store.location} (shown only now: the store keeps its SHA-256, not the token):\n`);
        io.stdout(`${token}\n`);
        io.stderr(`give it to ${name}: they sign in at the viewer's /login page, or send "Authorization: Bearer <token>"\n`);
      } finally {
        await store.close();
      }
    });

  tokens
    .command('list')
    .description('list tokens: name, created, last used, revoked (never the token)')
    .option('--json', 'print them as JSON')
    .action(async (opts: { json?: boolean }) => {
      const store = openStore(program.opts().db, { access: 'read' });
      try {
        const rows = (await store.tokens.list()).map(({ hash: _hash, ...rest }) => rest);
        if (opts.json) return io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
        if (rows.length === 0) return io.stdout('no tokens; create one with: evalspec tokens create --name alice\n');
        const table = rows.map((t) => [t.name, minute(t.createdAt), minute(t.lastUsedAt), t.revokedAt ? `revoked ${minute(t.revokedAt)}` : 'active']);
        io.stdout(`${textTable(['name', 'created', 'last used', 'status'], table)}\n`);
      } finally {
        await store.close();
      }
    });

  tokens
    .command('revoke')
    .description("revoke a person's token: the viewer refuses it from the next request on")
    .requiredOption('--name <name>', 'whose token')
    .action(async (opts: { name: string }) => {
      const name = tokenName(opts.name);
      const store = openStore(program.opts().db);
      try {
        if (!(await store.tokens.revoke(name, new Date().toISOString()))) {
          throw new EvalspecError('USAGE', `"${name}" holds no active token in ${store.location}`, { hint: 'see the tokens with: evalspec tokens list' });
        }
        io.stdout(`revoked the token of ${name}\n`);
      } finally {
        await store.close();
      }
    });
}
