import { FakeClock } from '@tollgate/testing';
import { IdentityDirectory } from './identity.directory';
import type { DirectoryChange, GatewayTokenRecord, IdentityStore, StoredProviderKeyRecord, TeamRecord, UserEntry, UserRecord } from './identity.store';

/** Just the reads the directory makes, over plain arrays; the real store is tested against Postgres and PGlite. */
class ChangeLogStore {
  users: UserRecord[] = [];
  tokens: GatewayTokenRecord[] = [];
  keys: StoredProviderKeyRecord[] = [];
  teams: TeamRecord[] = [];
  changes: DirectoryChange[] = [];
  unreachable = false;
  keyUses: { userId: string; providerName: string }[] = [];
  tokenUses: { tokenId: string; at: Date }[] = [];

  change(userId: string): void {
    this.changes.push({ id: String(this.changes.length + 1), userId, teamId: null });
  }

  teamChange(teamId: string): void {
    this.changes.push({ id: String(this.changes.length + 1), userId: null, teamId });
  }

  asStore(): IdentityStore {
    const reachable = () => {
      if (this.unreachable) throw new Error('connect ECONNREFUSED');
    };
    return {
      loadSnapshot: async () => {
        reachable();
        return {
          users: [...this.users],
          tokens: this.tokens.filter((token) => !token.revokedAt),
          keys: [...this.keys],
          teams: [...this.teams],
          version: String(this.changes.length),
        };
      },
      changesSince: async (version: string) => {
        reachable();
        return this.changes.filter((change) => Number(change.id) > Number(version));
      },
      loadUserEntry: async (userId: string): Promise<UserEntry> => {
        reachable();
        return {
          user: this.users.find((user) => user.id === userId),
          activeTokens: this.tokens.filter((token) => token.userId === userId && !token.revokedAt),
          keys: this.keys.filter((key) => key.userId === userId),
        };
      },
      findTeam: async (teamId: string) => {
        reachable();
        return this.teams.find((team) => team.id === teamId);
      },
      markKeysUsed: async (uses) => {
        reachable();
        this.keyUses.push(...uses.map(({ userId, providerName }) => ({ userId, providerName })));
      },
      markTokensUsed: async (uses) => {
        reachable();
        this.tokenUses.push(...uses);
      },
    } as Partial<IdentityStore> as IdentityStore;
  }
}

const now = new Date('2026-12-01T00:00:00Z');
const user = (id: string, byokMode: UserRecord['byokMode'] = null, teamIds: string[] = []): UserRecord => ({
  id, displayName: id, byokMode, budget: null, limits: null, models: null, teamIds, createdAt: now, updatedAt: now,
});
const token = (id: string, userId: string, tokenHash: string, scope: Partial<GatewayTokenRecord> = {}): GatewayTokenRecord => ({
  id, userId, tokenHash, hint: 'tg_...', name: '', createdAt: now, revokedAt: null, expiresAt: null, limits: null, models: null, teamId: null,
  lastUsedAt: null, ...scope,
});
const team = (id: string, settings: Partial<TeamRecord> = {}): TeamRecord => ({
  id, name: id, limits: null, budget: null, models: null, members: [], createdAt: now, updatedAt: now, ...settings,
});
const owner = (userId: string, tokenId: string) => ({ userId, tokenId, expiresAt: null, limits: null, models: null, teamId: null });
const key = (userId: string, providerName: string): StoredProviderKeyRecord => ({
  userId, providerName, ciphertext: Buffer.from('sealed'), iv: Buffer.alloc(12), authTag: Buffer.alloc(16), kekId: 'k1', wrappedKey: Buffer.alloc(60), hint: 'sk-...ab',
  fingerprint: 'f', baseUrl: null, createdAt: now, updatedAt: now, lastUsedAt: null,
});

describe('IdentityDirectory', () => {
  const logger = { warn: jest.fn() };
  let backing: ChangeLogStore;
  let directory: IdentityDirectory;

  beforeEach(async () => {
    logger.warn.mockClear();
    backing = new ChangeLogStore();
    backing.users.push(user('alice', 'require'), user('bob'));
    backing.tokens.push(token('t1', 'alice', 'hash-a'), token('t2', 'bob', 'hash-b'));
    backing.keys.push(key('alice', 'openai'));
    backing.change('alice');
    backing.teams.push(team('red', { budget: { micros: 5, period: 'day' } }));
    directory = new IdentityDirectory(backing.asStore(), { pollIntervalMs: 60_000, logger, clock: new FakeClock(now.getTime()) });
    await directory.start();
  });

  afterEach(() => directory.stop());

  it('answers from the snapshot it loaded at start', () => {
    expect(directory.tokenOwner('hash-a')).toEqual(owner('alice', 't1'));
    expect(directory.tokenOwner('nope')).toBeUndefined();
    expect(directory.userMode('alice')).toBe('require');
    expect(directory.userMode('bob')).toBeNull();
    expect(directory.userMode('carol')).toBeNull();
    expect(directory.storedKey('alice', 'openai')?.hint).toBe('sk-...ab');
    expect(directory.storedKey('alice', 'anthropic')).toBeUndefined();
  });

  it('follows changes made elsewhere: a revoked token, a new key, a mode change, a removed key', async () => {
    backing.tokens[1].revokedAt = now;
    backing.change('bob');
    backing.keys.push(key('bob', 'anthropic'));
    backing.change('bob');
    backing.users[0] = user('alice', 'disabled');
    backing.keys = backing.keys.filter((entry) => entry.userId !== 'alice');
    backing.change('alice');

    await directory.poll();
    expect(directory.tokenOwner('hash-b')).toBeUndefined();
    expect(directory.storedKey('bob', 'anthropic')).toBeDefined();
    expect(directory.userMode('alice')).toBe('disabled');
    expect(directory.storedKey('alice', 'openai')).toBeUndefined();
    expect(directory.tokenOwner('hash-a')).toEqual(owner('alice', 't1'));
  });

  it('does not reread changes it has already applied', async () => {
    await directory.poll();
    backing.tokens.push(token('t3', 'alice', 'hash-c'));
    // No change recorded for it: the directory has no reason to look.
    await directory.poll();
    expect(directory.tokenOwner('hash-c')).toBeUndefined();
    await directory.refreshUser('alice');
    expect(directory.tokenOwner('hash-c')).toEqual(owner('alice', 't3'));
  });

  it('keeps serving its last view while the database is unreachable, and catches up after', async () => {
    backing.unreachable = true;
    backing.tokens[0].revokedAt = now;
    backing.change('alice');
    await directory.poll();
    expect(directory.lastError?.message).toBe('connect ECONNREFUSED');
    expect(directory.tokenOwner('hash-a')).toBeDefined();
    expect(logger.warn).toHaveBeenCalledTimes(1);

    backing.unreachable = false;
    await directory.poll();
    expect(directory.lastError).toBeUndefined();
    expect(directory.tokenOwner('hash-a')).toBeUndefined();
  });

  it('writes key uses with the next poll, once per key', async () => {
    directory.noteKeyUsed('alice', 'openai');
    directory.noteKeyUsed('alice', 'openai');
    expect(backing.keyUses).toEqual([]);
    await directory.poll();
    expect(backing.keyUses).toEqual([{ userId: 'alice', providerName: 'openai' }]);
  });

  it("holds tokens' scopes and follows team changes made elsewhere", async () => {
    expect(directory.team('red')).toEqual({ id: 'red', limits: null, budget: { micros: 5, period: 'day' }, models: null });
    const expiresAt = new Date('2026-12-02T00:00:00Z');
    backing.tokens.push(token('t3', 'alice', 'hash-c', { expiresAt, models: { allow: ['gpt-*'] }, teamId: 'red', limits: { concurrent: 1 } }));
    backing.users[0] = user('alice', 'require', ['red']);
    backing.change('alice');
    backing.teams[0] = team('red', { models: { deny: ['o1*'] } });
    backing.teams.push(team('blue'));
    backing.teamChange('red');
    backing.teamChange('blue');

    await directory.poll();
    expect(directory.tokenOwner('hash-c')).toEqual({ userId: 'alice', tokenId: 't3', expiresAt, models: { allow: ['gpt-*'] }, teamId: 'red', limits: { concurrent: 1 } });
    expect(directory.user('alice')?.teamIds).toEqual(['red']);
    expect(directory.teamMembers('red')).toEqual(['alice']);
    expect(directory.team('red')).toEqual({ id: 'red', limits: null, budget: null, models: { deny: ['o1*'] } });
    expect(directory.team('blue')).toBeDefined();

    backing.teams = backing.teams.filter((entry) => entry.id !== 'blue');
    backing.teamChange('blue');
    await directory.poll();
    expect(directory.team('blue')).toBeUndefined();
  });

  it('writes token uses with the next poll, the latest use per token', async () => {
    directory.noteTokenUsed('t1');
    directory.noteTokenUsed('t1');
    directory.noteTokenUsed('t2');
    expect(backing.tokenUses).toEqual([]);
    await directory.poll();
    expect(backing.tokenUses).toEqual([
      { tokenId: 't1', at: now },
      { tokenId: 't2', at: now },
    ]);
    await directory.poll();
    expect(backing.tokenUses).toHaveLength(2);
  });

  it('polls at once when told another replica changed something, and once more if told during a poll', async () => {
    let onChange: () => void = () => undefined;
    const published: number[] = [];
    const notifier = {
      publish: () => published.push(1),
      subscribe: async (listener: () => void) => {
        onChange = listener;
      },
      close: async () => undefined,
    };
    const notified = new IdentityDirectory(backing.asStore(), { pollIntervalMs: 60_000, logger, notifier });
    await notified.start();
    try {
      backing.tokens[0].revokedAt = now;
      backing.change('alice');
      onChange();
      // The poll the notification started, and a second change announced while it runs.
      const firstPoll = notified.poll();
      backing.tokens[1].revokedAt = now;
      backing.change('bob');
      onChange();
      await firstPoll;
      expect(notified.tokenOwner('hash-a')).toBeUndefined();
      // The follow-up poll runs on its own (the store answers within the same turn of the event loop).
      await new Promise((resolve) => setImmediate(resolve));
      expect(notified.tokenOwner('hash-b')).toBeUndefined();

      await notified.refreshUser('alice');
      expect(published).toHaveLength(1);
    } finally {
      await notified.stop();
    }
  });
});
