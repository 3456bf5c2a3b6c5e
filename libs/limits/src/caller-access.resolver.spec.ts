import { resolveCallerAccess } from './caller-access.resolver';

describe('resolveCallerAccess', () => {
  it('holds a user without own limits to the deployment default and nothing else', () => {
    const access = resolveCallerAccess({ userId: 'alice', deploymentLimits: { requestsPerMinute: 60 } });
    expect(access).toEqual({ userId: 'alice', teamIds: [], limitSubjects: [{ scope: 'user', id: 'alice', limits: { requestsPerMinute: 60 } }], modelPolicies: [] });
  });

  it("replaces the default with the user's own limits, and counts every team of the user", () => {
    const access = resolveCallerAccess({
      userId: 'alice',
      deploymentLimits: { requestsPerMinute: 60 },
      user: { limits: { concurrent: 2 }, models: null, teamIds: ['red', 'blue'] },
      teams: new Map([
        ['red', { limits: { tokensPerMinute: 1000 }, models: { allow: ['gpt-*'] } }],
        ['blue', { limits: null, models: null }],
      ]),
    });
    expect(access.teamIds).toEqual(['red', 'blue']);
    expect(access.limitSubjects).toEqual([
      { scope: 'user', id: 'alice', limits: { concurrent: 2 } },
      { scope: 'team', id: 'red', limits: { tokensPerMinute: 1000 } },
    ]);
    expect(access.modelPolicies).toEqual([{ level: 'team', id: 'red', policy: { allow: ['gpt-*'] } }]);
  });

  it("counts only the token's team when the token names one, and adds the token's own limits and policy", () => {
    const access = resolveCallerAccess({
      userId: 'alice',
      deploymentModels: { deny: ['*-preview'] },
      user: { limits: null, models: { allow: ['claude-*'] }, teamIds: ['red', 'blue'] },
      teams: new Map([['blue', { limits: { requestsPerMinute: 5 }, models: null }]]),
      token: { id: 'tok-1', limits: { requestsPerMinute: 1 }, models: { deny: ['claude-opus-*'] }, teamId: 'blue' },
    });
    expect(access.tokenId).toBe('tok-1');
    expect(access.teamIds).toEqual(['blue']);
    expect(access.limitSubjects.map((subject) => `${subject.scope}:${subject.id}`)).toEqual(['team:blue', 'token:tok-1']);
    expect(access.modelPolicies.map((policy) => policy.level)).toEqual(['deployment', 'user', 'token']);
  });

  it('leaves out empty limit sets and empty policies', () => {
    const access = resolveCallerAccess({ userId: 'bob', deploymentLimits: {}, deploymentModels: { allow: [], deny: [] } });
    expect(access.limitSubjects).toEqual([]);
    expect(access.modelPolicies).toEqual([]);
  });
});
