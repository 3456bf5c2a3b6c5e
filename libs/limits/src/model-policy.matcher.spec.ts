import { policyAllows, refusingPolicy } from './model-policy.matcher';

describe('policyAllows', () => {
  it('allows every model when the allow list is empty or missing', () => {
    expect(policyAllows({}, 'openai', 'gpt-4o')).toBe(true);
    expect(policyAllows({ allow: [] }, 'openai', 'gpt-4o')).toBe(true);
    expect(policyAllows({ allow: [], deny: ['o1'] }, 'openai', 'gpt-4o')).toBe(true);
  });

  it('matches the model alone or qualified by the provider instance', () => {
    expect(policyAllows({ allow: ['gpt-4o'] }, 'openai', 'gpt-4o')).toBe(true);
    expect(policyAllows({ allow: ['openai/gpt-4o'] }, 'openai', 'gpt-4o')).toBe(true);
    expect(policyAllows({ allow: ['azure/gpt-4o'] }, 'openai', 'gpt-4o')).toBe(false);
    expect(policyAllows({ allow: ['anthropic/*'] }, 'anthropic', 'claude-sonnet-4-5')).toBe(true);
    expect(policyAllows({ allow: ['anthropic/*'] }, 'openai', 'gpt-4o')).toBe(false);
  });

  it('treats * as any run of characters and everything else literally, case-sensitive', () => {
    expect(policyAllows({ allow: ['gpt-4o*'] }, 'openai', 'gpt-4o-mini')).toBe(true);
    expect(policyAllows({ allow: ['gpt-4o*'] }, 'openai', 'gpt-4o')).toBe(true);
    expect(policyAllows({ allow: ['*-mini'] }, 'openai', 'gpt-4o-mini')).toBe(true);
    expect(policyAllows({ allow: ['gpt-*-mini'] }, 'openai', 'gpt-4o')).toBe(false);
    expect(policyAllows({ allow: ['gpt-4.1'] }, 'openai', 'gpt-4x1')).toBe(false);
    expect(policyAllows({ allow: ['GPT-4o'] }, 'openai', 'gpt-4o')).toBe(false);
    expect(policyAllows({ allow: ['gpt-4o'] }, 'openai', 'gpt-4o-mini')).toBe(false);
    expect(policyAllows({ allow: ['(a|b)+'] }, 'openai', 'a')).toBe(false);
    expect(policyAllows({ allow: ['*'] }, 'openai', 'anything/with/slashes')).toBe(true);
  });

  it('lets deny win over allow', () => {
    expect(policyAllows({ allow: ['gpt-*'], deny: ['gpt-4o'] }, 'openai', 'gpt-4o')).toBe(false);
    expect(policyAllows({ allow: ['gpt-*'], deny: ['gpt-4o'] }, 'openai', 'gpt-4o-mini')).toBe(true);
    expect(policyAllows({ allow: ['*'], deny: ['openai/*'] }, 'openai', 'gpt-4o-mini')).toBe(false);
    expect(policyAllows({ deny: ['*'] }, 'openai', 'gpt-4o')).toBe(false);
  });
});

describe('refusingPolicy', () => {
  it('names the first level that refuses; a model passes only if every level allows it', () => {
    const policies = [
      { level: 'deployment' as const, policy: { deny: ['o1*'] } },
      { level: 'team' as const, id: 'red', policy: { allow: ['gpt-*', 'claude-*'] } },
      { level: 'user' as const, id: 'alice', policy: { deny: ['claude-opus-*'] } },
      { level: 'token' as const, id: 't1', policy: { allow: ['gpt-4o-mini'] } },
    ];
    expect(refusingPolicy(policies, 'openai', 'gpt-4o-mini')).toBeUndefined();
    expect(refusingPolicy(policies, 'openai', 'o1-mini')?.level).toBe('deployment');
    expect(refusingPolicy(policies, 'openai', 'davinci')?.level).toBe('team');
    expect(refusingPolicy(policies, 'anthropic', 'claude-opus-4')?.level).toBe('user');
    expect(refusingPolicy(policies, 'openai', 'gpt-4o')?.level).toBe('token');
    expect(refusingPolicy([], 'openai', 'anything')).toBeUndefined();
  });
});
