import { filterModelList } from './model-list.filter';

const policies = [
  { level: 'deployment' as const, policy: { deny: ['*-preview'] } },
  { level: 'user' as const, id: 'alice', policy: { allow: ['gpt-4o*', 'anthropic/claude-sonnet-*'] } },
];
const parse = (body: Buffer) => JSON.parse(body.toString('utf8'));

describe('filterModelList', () => {
  it('keeps only the OpenAI models every policy allows, and the other fields', () => {
    const upstream = { object: 'list', data: [{ id: 'gpt-4o', object: 'model' }, { id: 'gpt-4o-preview', object: 'model' }, { id: 'o1', object: 'model' }] };
    expect(parse(filterModelList(Buffer.from(JSON.stringify(upstream)), 'openai', policies))).toEqual({ object: 'list', data: [{ id: 'gpt-4o', object: 'model' }] });
  });

  it('keeps only the Gemini models every policy allows, by the id after models/, and the page token', () => {
    const gemini = [{ level: 'deployment' as const, policy: { allow: ['gemini-2.5-*'], deny: ['*-preview'] } }];
    const upstream = {
      models: [{ name: 'models/gemini-2.5-flash', version: '001' }, { name: 'models/gemini-2.5-pro-preview' }, { name: 'models/gemini-embedding-001' }, { displayName: 'no name' }],
      nextPageToken: 'Cg5nZW1pbmk',
    };
    expect(parse(filterModelList(Buffer.from(JSON.stringify(upstream)), 'gemini', gemini))).toEqual({
      models: [{ name: 'models/gemini-2.5-flash', version: '001' }],
      nextPageToken: 'Cg5nZW1pbmk',
    });
  });

  it("moves Anthropic's cursors to the first and last model kept, and keeps has_more", () => {
    const upstream = {
      data: [{ id: 'claude-opus-4', type: 'model' }, { id: 'claude-sonnet-4-5', type: 'model' }, { id: 'claude-sonnet-4', type: 'model' }, { id: 'claude-haiku', type: 'model' }],
      has_more: true,
      first_id: 'claude-opus-4',
      last_id: 'claude-haiku',
    };
    expect(parse(filterModelList(Buffer.from(JSON.stringify(upstream)), 'anthropic', policies))).toEqual({
      data: [{ id: 'claude-sonnet-4-5', type: 'model' }, { id: 'claude-sonnet-4', type: 'model' }],
      has_more: true,
      first_id: 'claude-sonnet-4-5',
      last_id: 'claude-sonnet-4',
    });
  });

  it("keeps the upstream's cursors when no model of the page is kept, so paging goes on", () => {
    const upstream = { data: [{ id: 'claude-opus-4' }], has_more: true, first_id: 'claude-opus-4', last_id: 'claude-opus-4' };
    expect(parse(filterModelList(Buffer.from(JSON.stringify(upstream)), 'anthropic', policies))).toEqual({ ...upstream, data: [] });
  });

  it('returns anything that is not a model list unchanged', () => {
    for (const text of ['not json', '{"error":{"message":"nope"}}', '[1,2]']) {
      expect(filterModelList(Buffer.from(text), 'openai', policies).toString()).toBe(text);
    }
  });
});
