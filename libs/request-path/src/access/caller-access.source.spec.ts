import type { TeamSettings, UserRecord } from '@tollgate/byok';
import { callerAccessOf, type DirectoryView } from './caller-access.source';

const at = new Date('2026-12-01T00:00:00Z');
const alice: UserRecord = {
  id: 'alice',
  displayName: 'Alice',
  byokMode: null,
  budget: null,
  limits: { concurrent: 2 },
  models: { deny: ['o1*'] },
  teamIds: ['red', 'blue'],
  createdAt: at,
  updatedAt: at,
};
const teams = new Map<string, TeamSettings>([
  ['red', { id: 'red', limits: { requestsPerMinute: 100 }, budget: null, models: { allow: ['gpt-*'] } }],
  ['blue', { id: 'blue', limits: { tokensPerMinute: 5000 }, budget: null, models: null }],
]);
const directory: DirectoryView = { user: (userId) => (userId === 'alice' ? alice : undefined), teamSettings: () => teams };
const config = { limits: { default: { requestsPerMinute: 60 }, byok: 'count' as const, concurrencyLeaseMs: 30_000 }, models: { deny: ['*-preview'] } };

describe('callerAccessOf', () => {
  it("feeds the user's own limits, policy and teams, and the teams' settings, from the directory view", () => {
    const access = callerAccessOf({ userId: 'alice' }, config, directory);
    expect(access.teamIds).toEqual(['red', 'blue']);
    expect(access.limitSubjects).toEqual([
      { scope: 'user', id: 'alice', limits: { concurrent: 2 } },
      { scope: 'team', id: 'red', limits: { requestsPerMinute: 100 } },
      { scope: 'team', id: 'blue', limits: { tokensPerMinute: 5000 } },
    ]);
    expect(access.modelPolicies).toEqual([
      { level: 'deployment', policy: { deny: ['*-preview'] } },
      { level: 'team', id: 'red', policy: { allow: ['gpt-*'] } },
      { level: 'user', id: 'alice', policy: { deny: ['o1*'] } },
    ]);
  });

  it("adds a database token's scope, counting only its team", () => {
    const access = callerAccessOf(
      { userId: 'alice', tokenId: 'tok-1', tokenScope: { limits: { requestsPerMinute: 1 }, models: { allow: ['gpt-4o'] }, teamId: 'blue' } },
      config,
      directory,
    );
    expect(access.tokenId).toBe('tok-1');
    expect(access.teamIds).toEqual(['blue']);
    expect(access.limitSubjects.map((subject) => `${subject.scope}:${subject.id}`)).toEqual(['user:alice', 'team:blue', 'token:tok-1']);
    expect(access.modelPolicies.map((policy) => policy.level)).toEqual(['deployment', 'user', 'token']);
  });

  it('holds a config-file user (no row, no token scope) and a gateway without a database to the configuration alone', () => {
    for (const view of [directory, undefined]) {
      const access = callerAccessOf({ userId: 'bob' }, config, view);
      expect(access).toEqual({
        userId: 'bob',
        teamIds: [],
        limitSubjects: [{ scope: 'user', id: 'bob', limits: { requestsPerMinute: 60 } }],
        modelPolicies: [{ level: 'deployment', policy: { deny: ['*-preview'] } }],
      });
    }
  });
});
