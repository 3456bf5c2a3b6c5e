import { loadConfig } from '@tollgate/platform';
import { MemoryKeyStateStore, type KeyPoolObserver } from '@tollgate/keypool';
import { FakeClock } from '@tollgate/testing';
import { ProviderRegistry } from '../keys/provider-runtime';
import { aliasVisible, withAliasModels } from './alias-model-list';
import { ModelAliases, retarget } from './model-aliases';

const config = loadConfig({
  env: {},
  document: {
    providers: [
      { name: 'openai', type: 'openai' },
      { name: 'azure', type: 'openai' },
      { name: 'anthropic', type: 'anthropic' },
    ],
    routing: {
      aliases: [
        { name: 'smart', targets: [{ provider: 'openai', model: 'gpt-4.1' }, { provider: 'azure', model: 'gpt-4.1-eu' }] },
        { name: 'default', targets: [{ provider: 'azure', model: 'gpt-4o' }] },
        { name: 'default', targets: [{ provider: 'anthropic', model: 'claude-sonnet-4-5' }] },
      ],
    },
  },
});
const observer: KeyPoolObserver = { transition: () => undefined, exhaustion: () => undefined };
const providers = new ProviderRegistry(config, new MemoryKeyStateStore(), new FakeClock(0), observer);
const aliases = new ModelAliases(config.routing.aliases, providers);

describe('ModelAliases', () => {
  it('finds an alias by the model name and the family of the provider the request was sent to', () => {
    const smart = aliases.find('smart', 'openai')!;
    expect(smart.family).toBe('openai');
    expect(smart.targets.map((target) => [target.provider, target.model])).toEqual([
      [providers.get('openai'), 'gpt-4.1'],
      [providers.get('azure'), 'gpt-4.1-eu'],
    ]);
    expect(aliases.find('smart', 'anthropic')).toBeUndefined();
    expect(aliases.find('gpt-4.1', 'openai')).toBeUndefined();
    expect(aliases.find('default', 'openai')!.targets[0].model).toBe('gpt-4o');
    expect(aliases.find('default', 'anthropic')!.targets[0].model).toBe('claude-sonnet-4-5');
  });

  it('lists the aliases of one family in configuration order', () => {
    expect(aliases.ofFamily('openai')!.map((alias) => alias.name)).toEqual(['smart', 'default']);
    expect(aliases.ofFamily('anthropic')!.map((alias) => alias.name)).toEqual(['default']);
  });

  it('points a body-model family at a target by replacing the body model only', () => {
    const request = { upstreamPath: '/chat/completions', body: Buffer.from('{"model":"smart","metadata":{"model":"smart"}}') };
    const retargeted = retarget('openai', request, 'gpt-4.1');
    expect(retargeted.upstreamPath).toBe('/chat/completions');
    expect(retargeted.body.toString()).toBe('{"model":"gpt-4.1","metadata":{"model":"smart"}}');
  });
});

describe('Gemini: the model is in the path', () => {
  it('points a request at a target by replacing the path model segment, the body as sent', () => {
    const body = Buffer.from('{"contents":[]}');
    const retargeted = retarget('gemini', { upstreamPath: '/v1beta/models/smart:streamGenerateContent', body }, 'gemini-2.5-flash');
    expect(retargeted).toEqual({ upstreamPath: '/v1beta/models/gemini-2.5-flash:streamGenerateContent', body });
  });

  it('appends aliases to a Gemini model list without a next page', () => {
    const alias = { name: 'fast', family: 'gemini' as const, targets: [] };
    const list = Buffer.from(JSON.stringify({ models: [{ name: 'models/gemini-2.5-flash' }] }));
    expect(JSON.parse(withAliasModels(list, [alias]).toString()).models.at(-1)).toEqual({
      name: 'models/fast',
      displayName: 'fast (Tollgate alias)',
      description: 'A Tollgate model alias',
    });
    const paged = Buffer.from(JSON.stringify({ models: [], nextPageToken: 'p2' }));
    expect(withAliasModels(paged, [alias])).toBe(paged);
  });
});

describe('alias model lists', () => {
  const openaiAliases = aliases.ofFamily('openai')!;

  it('appends the aliases to an OpenAI list, keeping a name the provider lists already', () => {
    const list = { object: 'list', data: [{ id: 'gpt-4o', object: 'model', created: 1, owned_by: 'openai' }, { id: 'default', object: 'model', created: 2, owned_by: 'openai' }] };
    expect(JSON.parse(withAliasModels(Buffer.from(JSON.stringify(list)), openaiAliases).toString())).toEqual({
      object: 'list',
      data: [...list.data, { id: 'smart', object: 'model', created: 0, owned_by: 'tollgate' }],
    });
  });

  it('appends to the last page of an Anthropic list only, moving last_id', () => {
    const anthropic = aliases.ofFamily('anthropic')!;
    const page = (hasMore: boolean) => Buffer.from(JSON.stringify({ data: [{ type: 'model', id: 'claude-x' }], has_more: hasMore, first_id: 'claude-x', last_id: 'claude-x' }));
    expect(withAliasModels(page(true), anthropic)).toEqual(page(true));
    const last = JSON.parse(withAliasModels(page(false), anthropic).toString());
    expect(last).toMatchObject({ first_id: 'claude-x', last_id: 'default', has_more: false });
    expect(last.data.at(-1)).toEqual({ type: 'model', id: 'default', display_name: 'default (Tollgate alias)', created_at: '1970-01-01T00:00:00Z' });
  });

  it('leaves an answer that is not a model list unchanged', () => {
    const body = Buffer.from('{"error":{"message":"nope"}}');
    expect(withAliasModels(body, openaiAliases)).toBe(body);
    expect(withAliasModels(Buffer.from('not json'), openaiAliases).toString()).toBe('not json');
  });

  it('shows an alias when its name and at least one target are allowed', () => {
    const smart = aliases.find('smart', 'openai')!;
    const policy = (models: { allow?: string[]; deny?: string[] }) => [{ level: 'deployment' as const, policy: models }];
    expect(aliasVisible(smart, 'openai', [])).toBe(true);
    expect(aliasVisible(smart, 'openai', policy({ deny: ['openai/gpt-4.1'] }))).toBe(true);
    expect(aliasVisible(smart, 'openai', policy({ deny: ['gpt-4.1*'] }))).toBe(false);
    expect(aliasVisible(smart, 'openai', policy({ deny: ['smart'] }))).toBe(false);
    expect(aliasVisible(smart, 'openai', policy({ allow: ['gpt-*'] }))).toBe(false);
    expect(aliasVisible(smart, 'openai', policy({ allow: ['gpt-*', 'smart'] }))).toBe(true);
  });
});
