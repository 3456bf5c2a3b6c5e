import { createCipheriv, randomBytes } from 'node:crypto';
import {
  TeamAlreadyExistsError,
  TeamInUseError,
  UnknownTeamError,
  UnknownUserError,
  UserAlreadyExistsError,
  type ByokMode,
  type StoredProviderKeyRecord,
} from '@tollgate/byok';
import type { SqlClient } from '@tollgate/platform';
import { FakeClock, waitUntil } from '@tollgate/testing';
import { SQL_BACKENDS } from '../sql-backends.test-support';
import { InvalidPageCursorError } from './page-cursor';
import { DIRECTORY_CHANGE_LOCK_KEY, PostgresIdentityStore } from './postgres-identity.store';

const T0 = new Date('2026-01-05T09:00:00.000Z');

describe.each(SQL_BACKENDS)('PostgresIdentityStore on $name', (backend) => {
  let sql: SqlClient;
  let dispose: () => Promise<void>;
  let store: PostgresIdentityStore;
  const clock = new FakeClock(T0.getTime());
  const advance = (ms = 1_000): Date => {
    clock.advance(ms);
    return new Date(clock.now());
  };

  beforeAll(async () => {
    ({ sql, dispose } = await backend.open());
    store = new PostgresIdentityStore(sql, { clock });
  }, 60_000);

  afterAll(async () => {
    await dispose?.();
  });

  beforeEach(async () => {
    clock.set(T0.getTime());
    await sql.query('TRUNCATE users, teams, team_members, gateway_tokens, user_provider_keys, directory_changes RESTART IDENTITY');
  });

  describe('users', () => {
    it('creates, finds and updates a user; every write is a change', async () => {
      const created = await store.createUser({ id: 'alice', displayName: 'Alice', byokMode: 'prefer' });
      expect(created).toEqual({
        id: 'alice',
        displayName: 'Alice',
        byokMode: 'prefer',
        budget: null,
        limits: null,
        models: null,
        teamIds: [],
        createdAt: T0,
        updatedAt: T0,
      });
      expect(await store.findUser('alice')).toEqual(created);
      expect(await store.findUser('nobody')).toBeUndefined();

      const t1 = advance();
      expect(await store.updateUser('alice', { byokMode: 'require' })).toEqual({ ...created, byokMode: 'require', updatedAt: t1 });
      const t2 = advance();
      expect(await store.updateUser('alice', { displayName: 'Alice L.', byokMode: null })).toEqual({
        ...created,
        displayName: 'Alice L.',
        byokMode: null,
        updatedAt: t2,
      });
      advance();
      expect(await store.updateUser('alice', { displayName: 'Alice' })).toMatchObject({ displayName: 'Alice', byokMode: null });

      expect(await changes()).toEqual([
        ['1', 'alice'],
        ['2', 'alice'],
        ['3', 'alice'],
        ['4', 'alice'],
      ]);
    });

    it('sets, keeps and clears a budget override; the snapshot and user entry carry it', async () => {
      await store.createUser({ id: 'alice', displayName: 'Alice', byokMode: null });
      const budget = { micros: 12_500_000_000, period: 'week' as const };
      expect(await store.updateUser('alice', { budget })).toMatchObject({ budget });
      expect(await store.updateUser('alice', { displayName: 'A' })).toMatchObject({ displayName: 'A', budget });
      expect((await store.loadSnapshot()).users).toEqual([expect.objectContaining({ id: 'alice', budget })]);
      expect((await store.loadUserEntry('alice')).user?.budget).toEqual(budget);
      expect(await store.updateUser('alice', { budget: null })).toMatchObject({ budget: null });
      expect((await store.findUser('alice'))?.budget).toBeNull();
      expect(await changes()).toHaveLength(4);
    });

    it('changes nothing (and records no change) for an unknown user or an empty update', async () => {
      await store.createUser({ id: 'alice', displayName: '', byokMode: null });
      expect(await store.updateUser('nobody', { byokMode: 'disabled' })).toBeUndefined();
      expect(await store.updateUser('alice', {})).toMatchObject({ id: 'alice', updatedAt: T0 });
      expect(await store.findUser('nobody')).toBeUndefined();
      expect(await changes()).toEqual([['1', 'alice']]);
    });

    it('refuses a duplicate user id and keeps the first one', async () => {
      await store.createUser({ id: 'alice', displayName: 'First', byokMode: null });
      await expect(store.createUser({ id: 'alice', displayName: 'Second', byokMode: 'require' })).rejects.toThrow(UserAlreadyExistsError);
      await expect(store.createUser({ id: 'alice', displayName: 'Second', byokMode: 'require' })).rejects.toMatchObject({ userId: 'alice' });
      expect(await store.findUser('alice')).toMatchObject({ displayName: 'First', byokMode: null });
      expect(await changes()).toHaveLength(1);
    });

    it('rejects a mode outside the check constraint', async () => {
      await expect(store.createUser({ id: 'alice', displayName: '', byokMode: 'sometimes' as ByokMode })).rejects.toThrow(/chk_users_byok_mode/);
      expect(await changes()).toEqual([]);
    });

    it('ensureUser creates a missing user with the defaults once, then returns it unchanged', async () => {
      const first = await store.ensureUser('carol');
      expect(first).toEqual({ id: 'carol', displayName: '', byokMode: null, budget: null, limits: null, models: null, teamIds: [], createdAt: T0, updatedAt: T0 });
      advance();
      expect(await store.ensureUser('carol')).toEqual(first);
      await store.createUser({ id: 'dave', displayName: 'Dave', byokMode: 'disabled' });
      expect(await store.ensureUser('dave')).toMatchObject({ displayName: 'Dave', byokMode: 'disabled' });
      expect(await changes()).toEqual([
        ['1', 'carol'],
        ['2', 'dave'],
      ]);
    });

    it('lists users by id across pages; the last page has no next cursor', async () => {
      for (const id of ['u05', 'u02', 'u04', 'u01', 'u03']) await store.createUser({ id, displayName: id, byokMode: null });

      const first = await store.listUsers({ limit: 2 });
      expect(first.items.map((user) => user.id)).toEqual(['u01', 'u02']);
      expect(first.next).toEqual(expect.any(String));
      const second = await store.listUsers({ limit: 2, after: first.next });
      expect(second.items.map((user) => user.id)).toEqual(['u03', 'u04']);
      const third = await store.listUsers({ limit: 2, after: second.next });
      expect(third.items.map((user) => user.id)).toEqual(['u05']);
      expect(third).not.toHaveProperty('next');

      const exact = await store.listUsers({ limit: 5 });
      expect(exact.items).toHaveLength(5);
      expect(exact).not.toHaveProperty('next');
      // A cursor does not depend on the page size it came from.
      const afterFour = (await store.listUsers({ limit: 4 })).next;
      expect((await store.listUsers({ limit: 2, after: afterFour })).items.map((user) => user.id)).toEqual(['u05']);
    });

    it('clamps the page size to 1..200 and rejects a cursor it did not issue', async () => {
      await sql.query(
        `INSERT INTO users (id, created_at, updated_at) SELECT 'bulk-' || lpad(n::text, 3, '0'), now(), now() FROM generate_series(1, 201) AS n`,
      );
      const big = await store.listUsers({ limit: 10_000 });
      expect(big.items).toHaveLength(200);
      expect((await store.listUsers({ limit: 10_000, after: big.next })).items.map((user) => user.id)).toEqual(['bulk-201']);
      expect((await store.listUsers({ limit: 0 })).items.map((user) => user.id)).toEqual(['bulk-001']);
      expect((await store.listUsers({ limit: -5 })).items).toHaveLength(1);

      for (const after of ['not-a-cursor', Buffer.from('{"id":1}').toString('base64url'), Buffer.from('{"at":"x","id":"y"}').toString('base64url')]) {
        await expect(store.listUsers({ limit: 2, after })).rejects.toThrow(InvalidPageCursorError);
      }
    });
  });

  describe('gateway tokens', () => {
    beforeEach(async () => {
      await store.createUser({ id: 'alice', displayName: 'Alice', byokMode: null });
      await store.createUser({ id: 'bob', displayName: 'Bob', byokMode: null });
    });

    it('creates a token as its hash and hint, and lists it', async () => {
      const token = await store.createToken({ userId: 'alice', tokenHash: hash('a'), hint: 'tg_a...0001', name: 'laptop' });
      expect(token).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        userId: 'alice',
        tokenHash: hash('a'),
        hint: 'tg_a...0001',
        name: 'laptop',
        createdAt: T0,
        revokedAt: null,
        expiresAt: null,
        limits: null,
        models: null,
        teamId: null,
        lastUsedAt: null,
      });
      expect(await store.listTokens('alice', { limit: 10 })).toEqual({ items: [token] });
      expect(await store.listTokens('bob', { limit: 10 })).toEqual({ items: [] });
      expect((await changes()).slice(-1)).toEqual([['3', 'alice']]);
    });

    it('refuses a token for an unknown user, a hash that is not SHA-256 hex, and a hash already stored', async () => {
      await expect(store.createToken({ userId: 'nobody', tokenHash: hash('n'), hint: 'h', name: '' })).rejects.toThrow(UnknownUserError);
      await expect(store.createToken({ userId: 'alice', tokenHash: 'tg_plain_token', hint: 'h', name: '' })).rejects.toThrow(RangeError);
      await expect(store.createToken({ userId: 'alice', tokenHash: hash('x').toUpperCase(), hint: 'h', name: '' })).rejects.toThrow(RangeError);

      await store.createToken({ userId: 'alice', tokenHash: hash('same'), hint: 'h1', name: '' });
      await expect(store.createToken({ userId: 'bob', tokenHash: hash('same'), hint: 'h2', name: '' })).rejects.toThrow(/uq_gateway_tokens_token_hash/);
      expect(await store.listTokens('bob', { limit: 10 })).toEqual({ items: [] });
      expect(await changes()).toHaveLength(3);
    });

    it('pages through tokens by (created_at, id), including ties and sub-millisecond times', async () => {
      const tied = [];
      for (let i = 0; i < 3; i++) tied.push(await store.createToken({ userId: 'alice', tokenHash: hash(`tied-${i}`), hint: `t${i}`, name: '' }));
      advance();
      const later = await store.createToken({ userId: 'alice', tokenHash: hash('later'), hint: 'later', name: '' });
      await store.createToken({ userId: 'bob', tokenHash: hash('bob'), hint: 'bob', name: '' });
      // Written by something other than the store: microseconds a JS Date cannot hold.
      await sql.query(
        `INSERT INTO gateway_tokens (id, user_id, token_hash, hint, name, created_at)
         VALUES ('00000000-0000-4000-8000-00000000000b', 'alice', $1, 'micro-b', '', '2026-01-05T09:00:05.000002Z'),
                ('00000000-0000-4000-8000-00000000000a', 'alice', $2, 'micro-a', '', '2026-01-05T09:00:05.000001Z')`,
        [hash('micro-b'), hash('micro-a')],
      );
      const expected = [...tied.sort((a, b) => (a.id < b.id ? -1 : 1)).map((token) => token.hint), later.hint, 'micro-a', 'micro-b'];

      for (const limit of [1, 2, 4]) {
        const seen: string[] = [];
        let after: string | undefined;
        let pages = 0;
        do {
          const page = await store.listTokens('alice', { limit, after });
          seen.push(...page.items.map((token) => token.hint));
          after = page.next;
          pages++;
        } while (after !== undefined);
        expect(seen).toEqual(expected);
        expect(pages).toBe(Math.ceil(expected.length / limit));
      }
      await expect(store.listTokens('alice', { limit: 2, after: Buffer.from(JSON.stringify({ at: T0.toISOString(), id: 'x' })).toString('base64url') })).rejects.toThrow(
        InvalidPageCursorError,
      );
    });

    it('revokes once (idempotently), keeps revoked tokens in listings and out of the snapshot', async () => {
      const kept = await store.createToken({ userId: 'alice', tokenHash: hash('kept'), hint: 'kept', name: '' });
      advance();
      const revokedToken = await store.createToken({ userId: 'alice', tokenHash: hash('gone'), hint: 'gone', name: '' });
      const revokedAt = advance();

      expect(await store.revokeToken(revokedToken.id)).toEqual({ ...revokedToken, revokedAt });
      advance();
      expect(await store.revokeToken(revokedToken.id)).toEqual({ ...revokedToken, revokedAt });
      expect(await store.revokeToken('00000000-0000-4000-8000-000000000000')).toBeUndefined();
      expect(await store.revokeToken('not-a-uuid')).toBeUndefined();

      expect((await store.listTokens('alice', { limit: 10 })).items).toEqual([kept, { ...revokedToken, revokedAt }]);
      expect((await store.loadSnapshot()).tokens).toEqual([kept]);
      expect((await store.loadUserEntry('alice')).activeTokens).toEqual([kept]);
      // Two users, two tokens, one revocation.
      expect((await changes()).map(([, userId]) => userId)).toEqual(['alice', 'bob', 'alice', 'alice', 'alice']);
    });

    it('deletes a user’s tokens and keys with the user', async () => {
      await store.createToken({ userId: 'alice', tokenHash: hash('a'), hint: 'a', name: '' });
      await store.putKey(sealedKey('alice', 'openai'));
      await store.createToken({ userId: 'bob', tokenHash: hash('b'), hint: 'b', name: '' });
      await sql.query(`DELETE FROM users WHERE id = 'alice'`);
      expect(await store.loadUserEntry('alice')).toEqual({ user: undefined, activeTokens: [], keys: [] });
      expect((await store.loadSnapshot()).tokens.map((token) => token.userId)).toEqual(['bob']);
    });
  });

  describe('stored provider keys', () => {
    beforeEach(async () => {
      await store.createUser({ id: 'alice', displayName: 'Alice', byokMode: null });
    });

    it('inserts, then replaces keeping createdAt and moving updatedAt; bytes round-trip as Buffers', async () => {
      const first = sealedKey('alice', 'openai', { baseUrl: 'https://api.example.com/v1' });
      const inserted = await store.putKey(first);
      expect(inserted).toEqual({ ...first, createdAt: T0, updatedAt: T0, lastUsedAt: null });
      expect(Buffer.isBuffer(inserted.ciphertext) && Buffer.isBuffer(inserted.iv) && Buffer.isBuffer(inserted.authTag)).toBe(true);

      const t1 = advance();
      const second = sealedKey('alice', 'openai', { kekId: 'kek-2' });
      const replaced = await store.putKey(second);
      expect(replaced).toEqual({ ...second, createdAt: T0, updatedAt: t1, lastUsedAt: null });
      expect(await store.listKeys('alice')).toEqual([replaced]);
      expect((await changes()).map(([, userId]) => userId)).toEqual(['alice', 'alice', 'alice']);
    });

    it('keeps the last use when the same key is saved again, and clears it for a different key', async () => {
      const key = sealedKey('alice', 'openai', { fingerprint: 'fp-same' });
      await store.putKey(key);
      const usedAt = new Date('2026-01-05T10:00:00.000Z');
      await store.markKeysUsed([{ userId: 'alice', providerName: 'openai', at: usedAt }]);

      expect((await store.putKey(sealedKey('alice', 'openai', { fingerprint: 'fp-same' }))).lastUsedAt).toEqual(usedAt);
      expect((await store.putKey(sealedKey('alice', 'openai', { fingerprint: 'fp-new' }))).lastUsedAt).toBeNull();
    });

    it('lists a user’s keys by provider and deletes one', async () => {
      await store.putKey(sealedKey('alice', 'openai'));
      await store.putKey(sealedKey('alice', 'anthropic'));
      expect((await store.listKeys('alice')).map((key) => key.providerName)).toEqual(['anthropic', 'openai']);
      expect(await store.listKeys('nobody')).toEqual([]);

      expect(await store.deleteKey('alice', 'openai')).toBe(true);
      expect(await store.deleteKey('alice', 'openai')).toBe(false);
      expect((await store.listKeys('alice')).map((key) => key.providerName)).toEqual(['anthropic']);
      // user, two puts, one delete: the second delete changed nothing
      expect(await changes()).toHaveLength(4);
    });

    it('refuses a key for an unknown user and writes nothing', async () => {
      await expect(store.putKey(sealedKey('nobody', 'openai'))).rejects.toThrow(UnknownUserError);
      expect(await sql.query(`SELECT * FROM user_provider_keys WHERE user_id = 'nobody'`)).toEqual([]);
      expect(await changes()).toHaveLength(1);
    });

    it('stores exactly the sealed bytes it is given, and no plaintext anywhere', async () => {
      const plaintext = 'sk-test-PLAINTEXT-never-stored-0123456789';
      const sealed = sealForTest(plaintext, 'alice', 'openai');
      await store.putKey({ userId: 'alice', providerName: 'openai', ...sealed, kekId: 'kek-1', hint: 'sk-...6789', fingerprint: 'fp-1', baseUrl: null });

      const [row] = await sql.query(`SELECT * FROM user_provider_keys WHERE user_id = 'alice'`);
      expect(row).toEqual({
        user_id: 'alice',
        provider_name: 'openai',
        ciphertext: sealed.ciphertext,
        iv: sealed.iv,
        auth_tag: sealed.authTag,
        kek_id: 'kek-1',
        wrapped_key: sealed.wrappedKey,
        hint: 'sk-...6789',
        fingerprint: 'fp-1',
        base_url: null,
        created_at: T0,
        updated_at: T0,
        last_used_at: null,
      });
      expect(sealed.ciphertext.includes(Buffer.from(plaintext))).toBe(false);

      // Every row of every table, as text (bytea as hex): neither the key nor its bytes appear.
      const tables: { table_name: string }[] = await sql.query(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
      );
      for (const { table_name } of tables) {
        const dump: { row: string }[] = await sql.query(`SELECT t::text AS row FROM "${table_name}" AS t`);
        for (const { row: text } of dump) {
          expect(text).not.toContain(plaintext);
          expect(text).not.toContain(Buffer.from(plaintext).toString('hex'));
        }
      }
    });

    it('marks keys used in one batch: the latest use wins, never moves back, unknown keys are ignored, no change recorded', async () => {
      await store.putKey(sealedKey('alice', 'openai'));
      await store.putKey(sealedKey('alice', 'anthropic'));
      const before = await changes();
      const at = (minute: number) => new Date(Date.UTC(2026, 0, 5, 10, minute));

      await store.markKeysUsed([]);
      await store.markKeysUsed([
        { userId: 'alice', providerName: 'openai', at: at(5) },
        { userId: 'alice', providerName: 'openai', at: at(7) },
        { userId: 'alice', providerName: 'openai', at: at(6) },
        { userId: 'alice', providerName: 'anthropic', at: at(1) },
        { userId: 'alice', providerName: 'missing', at: at(9) },
        { userId: 'nobody', providerName: 'openai', at: at(9) },
      ]);
      await store.markKeysUsed([
        { userId: 'alice', providerName: 'openai', at: at(2) },
        { userId: 'alice', providerName: 'anthropic', at: at(3) },
      ]);

      const lastUse = Object.fromEntries((await store.listKeys('alice')).map((key) => [key.providerName, key.lastUsedAt]));
      expect(lastUse).toEqual({ anthropic: at(3), openai: at(7) });
      expect((await store.listKeys('alice')).every((key) => key.updatedAt.getTime() === T0.getTime())).toBe(true);
      expect(await changes()).toEqual(before);
    });

    it('walks every key in (user, provider) order for rotation', async () => {
      for (const userId of ['u3', 'u1', 'u2']) await store.ensureUser(userId);
      for (const [userId, providerName] of [
        ['u2', 'openai'],
        ['u1', 'openai'],
        ['u3', 'anthropic'],
        ['u1', 'anthropic'],
        ['u2', 'anthropic'],
      ]) {
        await store.putKey(sealedKey(userId, providerName));
      }
      const walked: string[] = [];
      let batch = await store.keysAfter(undefined, 2);
      while (batch.length > 0) {
        walked.push(...batch.map((key) => `${key.userId}/${key.providerName}`));
        const last = batch[batch.length - 1];
        batch = await store.keysAfter({ userId: last.userId, providerName: last.providerName }, 2);
      }
      expect(walked).toEqual(['u1/anthropic', 'u1/openai', 'u2/anthropic', 'u2/openai', 'u3/anthropic']);
      expect(await store.keysAfter({ userId: 'u3', providerName: 'anthropic' }, 10)).toEqual([]);
      expect(await store.keysAfter(undefined, 0)).toHaveLength(1);
    });

    it('reseals a key only if it is still sealed as expected (compare-and-set)', async () => {
      const original = await store.putKey(sealedKey('alice', 'openai', { kekId: 'kek-old' }));
      const resealed = { ciphertext: randomBytes(40), iv: randomBytes(12), authTag: randomBytes(16), kekId: 'kek-new', wrappedKey: randomBytes(60) };
      advance();

      expect(await store.resealKey(original, { kekId: 'kek-new', iv: original.iv }, resealed)).toBe(false);
      expect(await store.resealKey(original, { kekId: 'kek-old', iv: randomBytes(12) }, resealed)).toBe(false);
      const changesBefore = (await changes()).length;
      expect(await store.resealKey(original, { kekId: 'kek-old', iv: original.iv }, resealed)).toBe(true);
      expect(await changes()).toHaveLength(changesBefore + 1);
      expect(await store.listKeys('alice')).toEqual([{ ...original, ...resealed }]);
      expect(await store.resealKey({ userId: 'alice', providerName: 'missing' }, { kekId: 'kek-old', iv: original.iv }, resealed)).toBe(false);
    });

    it('does not overwrite a key the user replaced while rotation was reading it', async () => {
      await store.putKey(sealedKey('alice', 'openai', { kekId: 'kek-old' }));
      const [read] = await store.keysAfter(undefined, 10);
      // The user saves a new key between rotation's read and its write.
      const fresh = await store.putKey(sealedKey('alice', 'openai', { kekId: 'kek-new', hint: 'sk-...new1' }));

      const resealed = { ciphertext: randomBytes(40), iv: randomBytes(12), authTag: randomBytes(16), kekId: 'kek-new', wrappedKey: randomBytes(60) };
      expect(await store.resealKey(read, { kekId: read.kekId, iv: read.iv }, resealed)).toBe(false);
      expect(await store.listKeys('alice')).toEqual([fresh]);
    });
  });

  describe('user limits and model policy', () => {
    it('sets, keeps and clears limits and a model policy; a change each', async () => {
      await store.createUser({ id: 'alice', displayName: 'Alice', byokMode: null });
      const limits = { requestsPerMinute: 60, concurrent: 2 };
      const models = { allow: ['gpt-*', 'anthropic/claude-*'], deny: ['gpt-4o'] };
      expect(await store.updateUser('alice', { limits, models })).toMatchObject({ limits, models, budget: null });
      expect(await store.updateUser('alice', { displayName: 'A' })).toMatchObject({ limits, models });
      expect(await store.updateUser('alice', { limits: null })).toMatchObject({ limits: null, models });
      expect((await store.loadUserEntry('alice')).user).toMatchObject({ limits: null, models });
      expect(await changes()).toHaveLength(4);
    });
  });

  describe('teams', () => {
    beforeEach(async () => {
      await store.createUser({ id: 'alice', displayName: 'Alice', byokMode: null });
      await store.createUser({ id: 'bob', displayName: 'Bob', byokMode: null });
    });

    it('creates, finds, updates and lists teams; each write is a team change', async () => {
      const red = await store.createTeam({ id: 'red', name: 'Red' });
      expect(red).toEqual({ id: 'red', name: 'Red', limits: null, budget: null, models: null, members: [], createdAt: T0, updatedAt: T0 });
      await expect(store.createTeam({ id: 'red', name: 'Again' })).rejects.toThrow(TeamAlreadyExistsError);
      const t1 = advance();
      const budget = { micros: 5_000_000, period: 'month' as const };
      const updated = await store.updateTeam('red', { name: 'Red team', limits: { tokensPerMinute: 1000 }, budget, models: { deny: ['o1*'] } });
      expect(updated).toEqual({ ...red, name: 'Red team', limits: { tokensPerMinute: 1000 }, budget, models: { deny: ['o1*'] }, updatedAt: t1 });
      expect(await store.updateTeam('red', { budget: null, models: null })).toMatchObject({ budget: null, models: null, limits: { tokensPerMinute: 1000 } });
      expect(await store.updateTeam('nobody', { name: 'x' })).toBeUndefined();
      expect(await store.findTeam('red')).toMatchObject({ name: 'Red team' });

      await store.createTeam({ id: 'blue', name: 'Blue' });
      await store.createTeam({ id: 'green', name: 'Green' });
      const first = await store.listTeams({ limit: 2 });
      expect(first.items.map((team) => team.id)).toEqual(['blue', 'green']);
      expect((await store.listTeams({ limit: 2, after: first.next })).items.map((team) => team.id)).toEqual(['red']);
      expect(await changes()).toEqual([
        ['1', 'alice'],
        ['2', 'bob'],
        ['3', 'team:red'],
        ['4', 'team:red'],
        ['5', 'team:red'],
        ['6', 'team:blue'],
        ['7', 'team:green'],
      ]);
    });

    it('adds and removes members idempotently; a membership change is a change of the user, who carries the team', async () => {
      await store.createTeam({ id: 'red', name: 'Red' });
      await store.createTeam({ id: 'blue', name: 'Blue' });
      expect((await store.addTeamMember('red', 'bob'))?.members).toEqual(['bob']);
      expect((await store.addTeamMember('red', 'alice'))?.members).toEqual(['alice', 'bob']);
      expect((await store.addTeamMember('red', 'alice'))?.members).toEqual(['alice', 'bob']);
      await store.addTeamMember('blue', 'alice');
      expect((await store.findUser('alice'))?.teamIds).toEqual(['blue', 'red']);
      expect((await store.loadUserEntry('alice')).user?.teamIds).toEqual(['blue', 'red']);
      await expect(store.addTeamMember('red', 'nobody')).rejects.toThrow(UnknownUserError);
      expect(await store.addTeamMember('nowhere', 'alice')).toBeUndefined();

      expect((await store.removeTeamMember('red', 'bob'))?.members).toEqual(['alice']);
      expect((await store.removeTeamMember('red', 'bob'))?.members).toEqual(['alice']);
      expect(await store.removeTeamMember('nowhere', 'bob')).toBeUndefined();
      expect((await changes()).slice(4)).toEqual([
        ['5', 'bob'],
        ['6', 'alice'],
        ['7', 'alice'],
        ['8', 'bob'],
      ]);
    });

    it('deletes a team with its memberships (a change of the team and of each member), but not while active tokens are scoped to it', async () => {
      await store.createTeam({ id: 'red', name: 'Red' });
      await store.addTeamMember('red', 'alice');
      await store.addTeamMember('red', 'bob');
      const scoped = await store.createToken({ userId: 'alice', tokenHash: hash('a'), hint: 'a', name: '', teamId: 'red' });
      await expect(store.deleteTeam('red')).rejects.toThrow(TeamInUseError);
      await store.revokeToken(scoped.id);
      const before = (await changes()).length;

      expect(await store.deleteTeam('red')).toBe(true);
      expect(await store.deleteTeam('red')).toBe(false);
      expect(await store.findTeam('red')).toBeUndefined();
      expect((await store.findUser('alice'))?.teamIds).toEqual([]);
      expect((await changes()).slice(before).map(([, subject]) => subject)).toEqual(['team:red', 'alice', 'bob']);
      expect((await store.listTokens('alice', { limit: 10 })).items[0].teamId).toBe('red');
    });

    it('issues a token with a scope, refusing an unknown team; the snapshot carries teams and scopes', async () => {
      await store.createTeam({ id: 'red', name: 'Red' });
      const expiresAt = new Date('2026-02-01T00:00:00.000Z');
      const token = await store.createToken({
        userId: 'alice',
        tokenHash: hash('a'),
        hint: 'a',
        name: 'ci',
        expiresAt,
        limits: { requestsPerMinute: 10 },
        models: { allow: ['gpt-4o-mini'] },
        teamId: 'red',
      });
      expect(token).toMatchObject({ expiresAt, limits: { requestsPerMinute: 10 }, models: { allow: ['gpt-4o-mini'] }, teamId: 'red', lastUsedAt: null });
      await expect(store.createToken({ userId: 'alice', tokenHash: hash('b'), hint: 'b', name: '', teamId: 'nowhere' })).rejects.toThrow(UnknownTeamError);
      const snapshot = await store.loadSnapshot();
      expect(snapshot.tokens).toEqual([token]);
      expect(snapshot.teams.map((team) => team.id)).toEqual(['red']);
    });

    it('marks tokens used in one batch: the latest use wins, never moves back, no change recorded', async () => {
      const a = await store.createToken({ userId: 'alice', tokenHash: hash('a'), hint: 'a', name: '' });
      const b = await store.createToken({ userId: 'bob', tokenHash: hash('b'), hint: 'b', name: '' });
      const before = (await changes()).length;
      const t1 = new Date('2026-01-06T00:00:00.000Z');
      const t2 = new Date('2026-01-07T00:00:00.000Z');
      await store.markTokensUsed([
        { tokenId: a.id, at: t1 },
        { tokenId: a.id, at: t2 },
        { tokenId: b.id, at: t1 },
        { tokenId: '00000000-0000-4000-8000-000000000000', at: t1 },
        { tokenId: 'not-a-uuid', at: t1 },
      ]);
      await store.markTokensUsed([{ tokenId: a.id, at: t1 }]);
      const [alice] = (await store.listTokens('alice', { limit: 10 })).items;
      const [bob] = (await store.listTokens('bob', { limit: 10 })).items;
      expect(alice.lastUsedAt).toEqual(t2);
      expect(bob.lastUsedAt).toEqual(t1);
      expect(await changes()).toHaveLength(before);
    });
  });

  describe('changes and snapshots', () => {
    it('appends one change per write, in order, and pages them with changesSince', async () => {
      await store.createUser({ id: 'alice', displayName: '', byokMode: null });
      await store.ensureUser('bob');
      const token = await store.createToken({ userId: 'bob', tokenHash: hash('b'), hint: 'b', name: '' });
      await store.putKey(sealedKey('alice', 'openai'));
      await store.revokeToken(token.id);
      await store.updateUser('bob', { byokMode: 'require' });
      await store.deleteKey('alice', 'openai');

      const all = await store.changesSince('0', 100);
      expect(all).toEqual([
        { id: '1', userId: 'alice', teamId: null },
        { id: '2', userId: 'bob', teamId: null },
        { id: '3', userId: 'bob', teamId: null },
        { id: '4', userId: 'alice', teamId: null },
        { id: '5', userId: 'bob', teamId: null },
        { id: '6', userId: 'bob', teamId: null },
        { id: '7', userId: 'alice', teamId: null },
      ]);
      expect(await store.changesSince('2', 3)).toEqual(all.slice(2, 5));
      expect(await store.changesSince('7', 100)).toEqual([]);
      await expect(store.changesSince('1; DROP TABLE users', 10)).rejects.toThrow(RangeError);
    });

    it('numbers changes without gaps under concurrent writers', async () => {
      const ids = Array.from({ length: 20 }, (_, i) => `c${String(i).padStart(2, '0')}`);
      await Promise.all(ids.map((id) => store.createUser({ id, displayName: '', byokMode: null })));
      const seen = await store.changesSince('0', 200);
      expect(seen.map((change) => change.userId).sort()).toEqual(ids);
      expect(seen.map((change) => Number(change.id))).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    });

    if (backend.concurrent) it('never lets a later change become visible before an earlier uncommitted one', async () => {
      // Another writer is between its change row and its commit.
      let appended!: () => void;
      let commit!: () => void;
      const changeAppended = new Promise<void>((resolve) => (appended = resolve));
      const committing = new Promise<void>((resolve) => (commit = resolve));
      const inFlight = sql.transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [DIRECTORY_CHANGE_LOCK_KEY]);
        await tx.query(`INSERT INTO directory_changes (user_id) VALUES ('in-flight')`);
        appended();
        await committing;
      });
      try {
        await changeAppended;
        const write = store.createUser({ id: 'late', displayName: '', byokMode: null });
        let settled = false;
        void write.then(
          () => (settled = true),
          () => (settled = true),
        );
        // Either it queues behind the in-flight writer (correct) or it has committed already (the bug).
        await waitUntil(async () => {
          const [{ waiting }] = await sql.query<{ waiting: number }>(`SELECT count(*)::int AS waiting FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`);
          return waiting > 0 || settled;
        }, 'the late write queued or committed');
        // A follower polling now must not see the late write's change (it would then skip change 1 forever).
        expect(await store.changesSince('0', 10)).toEqual([]);

        commit();
        await inFlight;
        await write;
        expect(await store.changesSince('0', 10)).toEqual([
          { id: '1', userId: 'in-flight', teamId: null },
          { id: '2', userId: 'late', teamId: null },
        ]);
      } finally {
        commit();
        await inFlight;
      }
    });

    it('loads a snapshot whose version is the last change it contains', async () => {
      expect(await store.loadSnapshot()).toEqual({ users: [], tokens: [], keys: [], teams: [], version: '0' });

      const bob = await store.createUser({ id: 'bob', displayName: 'Bob', byokMode: 'disabled' });
      const alice = await store.createUser({ id: 'alice', displayName: 'Alice', byokMode: null });
      const token = await store.createToken({ userId: 'alice', tokenHash: hash('a'), hint: 'a', name: 'cli' });
      const key = await store.putKey(sealedKey('alice', 'anthropic'));

      const snapshot = await store.loadSnapshot();
      expect(snapshot).toEqual({ users: [alice, bob], tokens: [token], keys: [key], teams: [], version: '4' });
      const [last] = (await store.changesSince('0', 200)).slice(-1);
      expect(snapshot.version).toBe(last.id);

      await store.updateUser('bob', { byokMode: 'prefer' });
      expect(await store.changesSince(snapshot.version, 10)).toEqual([{ id: '5', userId: 'bob', teamId: null }]);
      expect((await store.loadSnapshot()).version).toBe('5');
    });

    it('loads one user’s entry', async () => {
      const alice = await store.createUser({ id: 'alice', displayName: 'Alice', byokMode: 'require' });
      const token = await store.createToken({ userId: 'alice', tokenHash: hash('a'), hint: 'a', name: '' });
      const key = await store.putKey(sealedKey('alice', 'openai'));
      await store.createUser({ id: 'bob', displayName: 'Bob', byokMode: null });
      await store.createToken({ userId: 'bob', tokenHash: hash('b'), hint: 'b', name: '' });

      expect(await store.loadUserEntry('alice')).toEqual({ user: alice, activeTokens: [token], keys: [key] });
      expect(await store.loadUserEntry('nobody')).toEqual({ user: undefined, activeTokens: [], keys: [] });
    });
  });

  async function changes(): Promise<[string, string][]> {
    return (await store.changesSince('0', 200)).map((change) => [change.id, change.userId ?? `team:${change.teamId}`]);
  }
});

/** A distinct, well-formed SHA-256 hex per label (the value itself does not matter here). */
function hash(label: string): string {
  return Buffer.from(label.padEnd(32, '.').slice(0, 32)).toString('hex');
}

function sealedKey(
  userId: string,
  providerName: string,
  overrides: Partial<Omit<StoredProviderKeyRecord, 'createdAt' | 'updatedAt' | 'lastUsedAt'>> = {},
): Omit<StoredProviderKeyRecord, 'createdAt' | 'updatedAt' | 'lastUsedAt'> {
  return {
    userId,
    providerName,
    ciphertext: randomBytes(48),
    iv: randomBytes(12),
    authTag: randomBytes(16),
    kekId: 'kek-1',
    wrappedKey: randomBytes(60),
    hint: 'sk-...abcd',
    fingerprint: `fp-${randomBytes(4).toString('hex')}`,
    baseUrl: null,
    ...overrides,
  };
}

/** What the byok lib does before calling the store: AES-256-GCM bound to (user, provider). */
function sealForTest(plaintext: string, userId: string, providerName: string) {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', randomBytes(32), iv);
  cipher.setAAD(Buffer.from(`${userId}\u0000${providerName}`));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return { ciphertext, iv, authTag: cipher.getAuthTag(), wrappedKey: randomBytes(60) };
}
