// The Store contract for the shared viewer's access tokens (testAllStores: SQLite and PostgreSQL): only a hash
// is stored, one active token per name, a revoked token stays listed and is found as revoked, a use is recorded.
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { testAllStores } from './all-stores.js';

// Computed here, independently of src/viewer/auth.ts: SHA-256 of the token's UTF-8 bytes, hex.
const sha256 = (token: string) => createHash('sha256').update(Buffer.from(token, 'utf8')).digest('hex');
const newToken = () => `esv_${randomBytes(32).toString('base64url')}`;

testAllStores('store contract: access tokens', ({ open, fresh, query }) => {
  describe('tokens', () => {
    it('stores the hash, never the token: no column of the row holds it', async () => {
      const location = await fresh();
      const store = await open(location);
      const token = newToken();
      await store.tokens.create({ name: 'alice', hash: sha256(token), createdAt: '2026-12-05T10:00:00.000Z' });
      const rows = await query(location, 'SELECT * FROM access_tokens');
      expect(rows).toHaveLength(1);
      expect(rows[0].hash).toBe(sha256(token));
      for (const value of Object.values(rows[0])) expect(String(value)).not.toContain(token.slice(4));
      expect(await store.tokens.list()).toEqual([
        { name: 'alice', hash: sha256(token), createdAt: '2026-12-05T10:00:00.000Z', lastUsedAt: null, revokedAt: null },
      ]);
    });

    it('one active token per name: a second is a STORE error naming the fix; after a revoke the name is free again', async () => {
      const store = await open();
      await store.tokens.create({ name: 'alice', hash: sha256('a1'), createdAt: '2026-12-05T10:00:00.000Z' });
      await expect(store.tokens.create({ name: 'alice', hash: sha256('a2'), createdAt: '2026-12-05T10:01:00.000Z' })).rejects.toMatchObject({
        code: 'STORE',
        hint: expect.stringContaining('evalspec tokens revoke --name alice'),
      });
      expect(await store.tokens.revoke('alice', '2026-12-05T11:00:00.000Z')).toBe(true);
      expect(await store.tokens.revoke('alice', '2026-12-05T11:00:00.000Z')).toBe(false);
      await store.tokens.create({ name: 'alice', hash: sha256('a2'), createdAt: '2026-12-05T12:00:00.000Z' });
      const listed = await store.tokens.list();
      expect(listed.map((t) => [t.name, t.hash, t.revokedAt])).toEqual([
        ['alice', sha256('a1'), '2026-12-05T11:00:00.000Z'],
        ['alice', sha256('a2'), null],
      ]);
    });

    it('findByHash finds active and revoked tokens, nothing for an unknown hash; touch records the last use', async () => {
      const store = await open();
      await store.tokens.create({ name: 'bob', hash: sha256('b'), createdAt: '2026-12-05T10:00:00.000Z' });
      await store.tokens.create({ name: 'carol', hash: sha256('c'), createdAt: '2026-12-05T10:00:01.000Z' });
      await store.tokens.revoke('carol', '2026-12-05T10:30:00.000Z');
      await store.tokens.touch(sha256('b'), '2026-12-05T10:05:00.000Z');
      expect(await store.tokens.findByHash(sha256('b'))).toMatchObject({ name: 'bob', lastUsedAt: '2026-12-05T10:05:00.000Z', revokedAt: null });
      expect(await store.tokens.findByHash(sha256('c'))).toMatchObject({ name: 'carol', lastUsedAt: null, revokedAt: '2026-12-05T10:30:00.000Z' });
      expect(await store.tokens.findByHash(sha256('nobody'))).toBeUndefined();
      expect(await store.tokens.revoke('nobody', '2026-12-05T10:30:00.000Z')).toBe(false);
    });
  });
});
