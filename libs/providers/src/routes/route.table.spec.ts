import { matchRoute, type RouteMatch } from './route.table';
import type { ProviderType } from '../provider-type';

describe('matchRoute', () => {
  const supported: Array<[ProviderType, string, string, RouteMatch]> = [
    ['openai', 'POST', '/chat/completions', { kind: 'bridged', api: 'openai-chat', upstreamPath: '/chat/completions' }],
    ['openai', 'POST', '/responses', { kind: 'bridged', api: 'openai-responses', upstreamPath: '/responses' }],
    ['openai', 'POST', '/embeddings', { kind: 'bridged', api: 'openai-embeddings', upstreamPath: '/embeddings' }],
    ['openai', 'GET', '/models', { kind: 'passthrough', upstreamPath: '/models', modelCatalog: { kind: 'list' } }],
    ['openai', 'GET', '/models/gpt-4o-mini', { kind: 'passthrough', upstreamPath: '/models/gpt-4o-mini', modelCatalog: { kind: 'model', id: 'gpt-4o-mini' } }],
    ['openai', 'GET', '/models/ft:gpt-4o:acme::abc123', { kind: 'passthrough', upstreamPath: '/models/ft:gpt-4o:acme::abc123', modelCatalog: { kind: 'model', id: 'ft:gpt-4o:acme::abc123' } }],
    ['openai', 'GET', '/models/ft%3Agpt-4o%3Aacme', { kind: 'passthrough', upstreamPath: '/models/ft%3Agpt-4o%3Aacme', modelCatalog: { kind: 'model', id: 'ft%3Agpt-4o%3Aacme' } }],
    ['openai', 'POST', '/conversations', { kind: 'passthrough', upstreamPath: '/conversations', creates: 'conversation' }],
    ['openai', 'GET', '/conversations', { kind: 'passthrough', upstreamPath: '/conversations' }],
    ['openai', 'GET', '/conversations/conv_123', { kind: 'passthrough', upstreamPath: '/conversations/conv_123', storedObject: { kind: 'conversation', id: 'conv_123' } }],
    ['openai', 'POST', '/conversations/conv_123', { kind: 'passthrough', upstreamPath: '/conversations/conv_123', storedObject: { kind: 'conversation', id: 'conv_123' } }],
    ['openai', 'DELETE', '/conversations/conv_123', { kind: 'passthrough', upstreamPath: '/conversations/conv_123', storedObject: { kind: 'conversation', id: 'conv_123' } }],
    ['openai', 'POST', '/conversations/conv_123/items', { kind: 'passthrough', upstreamPath: '/conversations/conv_123/items', storedObject: { kind: 'conversation', id: 'conv_123' } }],
    ['openai', 'GET', '/conversations/conv_123/items/msg_1', { kind: 'passthrough', upstreamPath: '/conversations/conv_123/items/msg_1', storedObject: { kind: 'conversation', id: 'conv_123' } }],
    ['openai', 'DELETE', '/conversations/conv_123/items/msg_1', { kind: 'passthrough', upstreamPath: '/conversations/conv_123/items/msg_1', storedObject: { kind: 'conversation', id: 'conv_123' } }],
    ['openai', 'GET', '/responses/resp_123', { kind: 'passthrough', upstreamPath: '/responses/resp_123', storedObject: { kind: 'response', id: 'resp_123' } }],
    ['openai', 'GET', '/responses/resp_123/input_items', { kind: 'passthrough', upstreamPath: '/responses/resp_123/input_items', storedObject: { kind: 'response', id: 'resp_123' } }],
    ['openai', 'DELETE', '/responses/resp_123', { kind: 'passthrough', upstreamPath: '/responses/resp_123', storedObject: { kind: 'response', id: 'resp_123' } }],
    ['openai', 'POST', '/responses/resp_123/cancel', { kind: 'passthrough', upstreamPath: '/responses/resp_123/cancel', storedObject: { kind: 'response', id: 'resp_123' } }],
    ['openai', 'post', '/chat/completions', { kind: 'bridged', api: 'openai-chat', upstreamPath: '/chat/completions' }],
    ['anthropic', 'POST', '/v1/messages', { kind: 'bridged', api: 'anthropic-messages', upstreamPath: '/v1/messages' }],
    ['anthropic', 'GET', '/v1/models', { kind: 'passthrough', upstreamPath: '/v1/models', modelCatalog: { kind: 'list' } }],
    ['anthropic', 'GET', '/v1/models/claude-sonnet-4-5', { kind: 'passthrough', upstreamPath: '/v1/models/claude-sonnet-4-5', modelCatalog: { kind: 'model', id: 'claude-sonnet-4-5' } }],
    ['anthropic', 'POST', '/v1/messages/count_tokens', { kind: 'passthrough', upstreamPath: '/v1/messages/count_tokens' }],
    ['gemini', 'POST', '/v1beta/models/gemini-2.5-flash:generateContent',
      { kind: 'bridged', api: 'gemini-generate-content', upstreamPath: '/v1beta/models/gemini-2.5-flash:generateContent', model: 'gemini-2.5-flash', streaming: undefined }],
    ['gemini', 'POST', '/v1/models/gemini-2.5-pro:streamGenerateContent',
      { kind: 'bridged', api: 'gemini-generate-content', upstreamPath: '/v1/models/gemini-2.5-pro:streamGenerateContent', model: 'gemini-2.5-pro', streaming: 'alt-sse' }],
    ['gemini', 'POST', '/v1beta/models/gemini-embedding-001:embedContent',
      { kind: 'bridged', api: 'gemini-embeddings', upstreamPath: '/v1beta/models/gemini-embedding-001:embedContent', model: 'gemini-embedding-001', streaming: undefined }],
    ['gemini', 'POST', '/v1beta/models/gemini-embedding-001:batchEmbedContents',
      { kind: 'bridged', api: 'gemini-embeddings', upstreamPath: '/v1beta/models/gemini-embedding-001:batchEmbedContents', model: 'gemini-embedding-001', streaming: undefined }],
    // A model name holding a colon, and one percent-encoded: the path model is decoded, the upstream path is not.
    ['gemini', 'POST', '/v1beta/models/tuned:v2:generateContent',
      { kind: 'bridged', api: 'gemini-generate-content', upstreamPath: '/v1beta/models/tuned:v2:generateContent', model: 'tuned:v2', streaming: undefined }],
    ['gemini', 'POST', '/v1beta/models/gemini%2D2.5-flash:generateContent',
      { kind: 'bridged', api: 'gemini-generate-content', upstreamPath: '/v1beta/models/gemini%2D2.5-flash:generateContent', model: 'gemini-2.5-flash', streaming: undefined }],
    ['gemini', 'POST', '/v1beta/models/gemini-2.5-flash:countTokens', { kind: 'passthrough', upstreamPath: '/v1beta/models/gemini-2.5-flash:countTokens', model: 'gemini-2.5-flash' }],
    ['gemini', 'GET', '/v1beta/models', { kind: 'passthrough', upstreamPath: '/v1beta/models', modelCatalog: { kind: 'list' } }],
    ['gemini', 'GET', '/v1/models/gemini-2.5-flash', { kind: 'passthrough', upstreamPath: '/v1/models/gemini-2.5-flash', modelCatalog: { kind: 'model', id: 'gemini-2.5-flash' } }],
  ];

  it.each(supported)('%s %s %s is supported', (type, method, path, expected) => {
    expect(matchRoute(type, method, path)).toEqual(expected);
  });

  const unsupported: Array<[ProviderType, string, string]> = [
    // wrong method on a known path
    ['openai', 'GET', '/chat/completions'],
    ['openai', 'PUT', '/responses'],
    ['openai', 'POST', '/models'],
    ['openai', 'DELETE', '/models/gpt-4o'],
    ['openai', 'POST', '/responses/resp_123'],
    ['openai', 'PUT', '/responses/resp_123'],
    ['openai', 'POST', '/responses/resp_123/input_items'],
    ['openai', 'DELETE', '/responses/resp_123/input_items'],
    ['openai', 'GET', '/v1/messages'],
    ['anthropic', 'GET', '/v1/messages'],
    ['anthropic', 'GET', '/v1/messages/count_tokens'],
    ['anthropic', 'DELETE', '/v1/models/claude'],
    ['gemini', 'POST', '/v1beta/models'],
    ['gemini', 'DELETE', '/v1beta/models/gemini-2.5-flash'],
    // a method without a model, an unknown method, an unknown version or collection
    ['gemini', 'POST', '/v1beta/models/:generateContent'],
    ['gemini', 'POST', '/v1beta/models/gemini-2.5-flash:predict'],
    ['gemini', 'POST', '/v1beta/models/gemini-2.5-flash'],
    ['gemini', 'POST', '/v2/models/gemini-2.5-flash:generateContent'],
    ['gemini', 'POST', '/v1beta/tunedModels/mine:generateContent'],
    ['gemini', 'POST', '/v1beta/models/a/b:generateContent'],
    ['gemini', 'POST', '/v1beta/models/..%2F..%2Ffiles:generateContent'],
    ['gemini', 'POST', '/v1beta/files'],
    ['gemini', 'POST', '/v1beta/cachedContents'],
    // not on the allow list
    ['openai', 'GET', '/embeddings'],
    ['openai', 'POST', '/embeddings/x'],
    ['openai', 'POST', '/completions'],
    ['openai', 'POST', '/files'],
    ['openai', 'POST', '/chat/completions/extra'],
    ['openai', 'GET', '/models/a/b'],
    ['anthropic', 'POST', '/v1/complete'],
    ['anthropic', 'POST', '/v1/messages/batches'],
    ['anthropic', 'POST', '/messages'],
    ['anthropic', 'GET', '/models'],
    // the other provider's paths
    ['anthropic', 'POST', '/chat/completions'],
    ['openai', 'POST', '/v1/messages'],
    // malformed paths
    ['openai', 'POST', ''],
    ['openai', 'POST', '/'],
    ['openai', 'POST', 'chat/completions'],
    ['openai', 'POST', '/chat/completions/'],
    ['openai', 'POST', '//chat/completions'],
    ['openai', 'GET', '/models/'],
    ['openai', 'GET', '/responses/'],
    ['openai', 'GET', '/conversations/'],
    // dot segments must not escape the base URL through a wildcard
    ['openai', 'GET', '/conversations/../../admin'],
    ['openai', 'GET', '/conversations/%2e%2E/secret'],
    ['openai', 'GET', '/responses/./input_items'],
    ['openai', 'GET', '/responses/..'],
    ['openai', 'GET', '/conversations/a\\..\\b'],
    ['anthropic', 'GET', '/v1/models/..'],
    // encoded slashes, backslashes and dot segments: an upstream that decodes them would climb out of the id
    ['openai', 'GET', '/responses/..%2Fadmin'],
    ['openai', 'GET', '/responses/..%2fadmin'],
    ['openai', 'DELETE', '/responses/%2e%2e%2fusers'],
    ['openai', 'GET', '/responses/resp_1%2F..%2F..%2Fmodels'],
    ['openai', 'GET', '/conversations/conv_1/items/..%5Cmsg'],
    ['openai', 'GET', '/models/a%2fb'],
    ['openai', 'POST', '/responses/.%2e/cancel'],
    ['anthropic', 'GET', '/v1/models/%2E%2E%2Fmessages'],
    // double encoding (`%252e%252e%252f` is `../` after two decodes) and encoded control characters
    ['openai', 'GET', '/responses/%252e%252e%252fadmin'],
    ['openai', 'GET', '/responses/resp_1%00'],
    ['openai', 'GET', '/responses/resp_1%0d%0aX-Injected:1'],
    // malformed percent-encoding
    ['openai', 'GET', '/responses/resp_%zz'],
  ];

  it.each(unsupported)('%s %s %j is not supported', (type, method, path) => {
    expect(matchRoute(type, method, path)).toBeUndefined();
  });
});
