import { ConfigError, loadConfig } from './config.loader';

function problemsOf(document: unknown): string[] {
  try {
    loadConfig({ document, env: {} });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('routing.aliases', () => {
  const providers = [
    { name: 'openai', type: 'openai' },
    { name: 'azure', type: 'openai' },
    { name: 'anthropic', type: 'anthropic' },
    { name: 'bedrock', type: 'anthropic' },
  ];

  it('is empty by default', () => {
    expect(loadConfig({ document: { providers }, env: {} }).routing).toEqual({ aliases: [] });
  });

  it('reads aliases with their ordered targets', () => {
    const aliases = [
      { name: 'smart', targets: [{ provider: 'openai', model: 'gpt-4o' }, { provider: 'azure', model: 'gpt-4o-prod' }] },
      { name: 'claude', targets: [{ provider: 'anthropic', model: 'claude-sonnet-4-5' }, { provider: 'bedrock', model: 'claude-sonnet-4-5' }] },
    ];
    expect(loadConfig({ document: { providers, routing: { aliases } }, env: {} }).routing.aliases).toEqual(aliases);
  });

  it('lets an alias share its name with its own targets’ model (same model, other provider)', () => {
    const aliases = [{ name: 'gpt-4o', targets: [{ provider: 'openai', model: 'gpt-4o' }, { provider: 'azure', model: 'gpt-4o' }] }];
    expect(loadConfig({ document: { providers, routing: { aliases } }, env: {} }).routing.aliases).toEqual(aliases);
  });

  it('lets two families use the same alias name', () => {
    const aliases = [
      { name: 'default', targets: [{ provider: 'openai', model: 'gpt-4o' }] },
      { name: 'default', targets: [{ provider: 'anthropic', model: 'claude-sonnet-4-5' }] },
    ];
    expect(loadConfig({ document: { providers, routing: { aliases } }, env: {} }).routing.aliases).toHaveLength(2);
  });

  it('names each problem by its field path: unknown provider, mixed families, empty list, duplicates, chains', () => {
    const problems = problemsOf({
      providers,
      routing: {
        aliases: [
          { name: 'smart', targets: [{ provider: 'openai', model: 'gpt-4o' }, { provider: 'nope', model: 'x' }] },
          { name: 'mixed', targets: [{ provider: 'openai', model: 'gpt-4o' }, { provider: 'anthropic', model: 'claude-sonnet-4-5' }] },
          { name: 'empty', targets: [] },
          { name: 'smart', targets: [{ provider: 'azure', model: 'gpt-4o' }] },
          { name: 'twice', targets: [{ provider: 'azure', model: 'gpt-4o' }, { provider: 'azure', model: 'gpt-4o' }] },
          { name: 'chained', targets: [{ provider: 'azure', model: 'smart' }] },
        ],
      },
    });
    expect(problems).toEqual([
      'routing.aliases[2].targets: must list at least one target',
      'routing.aliases[0].targets[1].provider: unknown provider "nope" (configured: openai, azure, anthropic, bedrock)',
      'routing.aliases[1].targets[1].provider: provider "anthropic" is of type anthropic, but the alias\'s first target is openai: the targets of an alias must share one API family',
      'routing.aliases[3].name: duplicate alias "smart" for openai providers',
      'routing.aliases[4].targets[1]: duplicate target azure/gpt-4o',
      'routing.aliases[5].targets[0].model: "smart" is the name of another alias (routing.aliases[0]); aliases do not chain: name a provider model',
    ]);
  });

  it('refuses unknown fields and empty names', () => {
    expect(problemsOf({ providers, routing: { aliases: [{ name: '', targets: [{ provider: 'openai', model: '' }], fallback: true }] } })).toEqual([
      'routing.aliases[0].name: must not be empty',
      'routing.aliases[0].targets[0].model: must not be empty',
      expect.stringContaining('routing.aliases[0]'),
    ]);
  });
});
