import { applyCredential } from '../credentials/upstream-credential';
import { extractCredentials } from '../credentials/credentials.extractor';
import { headersToForward } from '../credentials/forward-headers';
import { errorBody } from '../errors/error-body';
import { errorShapeFor, type GatewayErrorKind } from '../errors/error-shape.table';
import { isModelAccessDenial } from '../errors/model-access-denial';
import { PROVIDER_TYPES, providerTypeOfApi, type ProviderType } from '../provider-type';
import { matchRoute } from '../routes/route.table';
import { defaultBaseUrl } from '../routes/upstream-url';
import { OPENAI } from './openai.description';
import type { ProviderDescription } from './provider-description';
import { describeProvider, PROVIDER_DESCRIPTIONS } from './provider-descriptions';

describe('every provider description', () => {
  const descriptions = PROVIDER_TYPES.map((type) => [type, PROVIDER_DESCRIPTIONS[type]] as const);

  it('covers every provider type, under its own type', () => {
    expect(Object.keys(PROVIDER_DESCRIPTIONS).sort()).toEqual([...PROVIDER_TYPES].sort());
    for (const [type, description] of descriptions) {
      expect(description.type).toBe(type);
      expect(describeProvider(type)).toBe(description);
    }
  });

  it.each(descriptions)('%s: bridges only its own APIs, and its key check is an allow-listed GET', (type, description) => {
    for (const rule of description.routes) {
      if (rule.api) expect(providerTypeOfApi(rule.api)).toBe(type);
    }
    expect(matchRoute(description, 'GET', description.keyCheck.path)).toMatchObject({ kind: 'passthrough', upstreamPath: description.keyCheck.path });
  });

  it.each(descriptions)('%s: a pool key goes upstream in a header a client key is also taken from', (_type, description) => {
    expect(description.clientCredentialHeaders).toContain(description.credentialHeader);
    const sent = applyCredential(description, {}, 'sk-pool');
    expect(Object.keys(sent)).toEqual([description.credentialHeader]);
    const clientKey = extractCredentials(description, sent);
    expect(clientKey).toEqual({ byokCredential: 'sk-pool', byokHeader: description.credentialHeader });
  });

  it.each(descriptions)('%s: writes every gateway error with its type and message, and a 4xx/5xx status', (_type, description) => {
    for (const kind of Object.keys(description.errorShapes) as GatewayErrorKind[]) {
      const shape = description.errorShapes[kind];
      expect(shape.status).toBeGreaterThanOrEqual(400);
      const body = errorBody(description, { type: shape.type, code: shape.code, message: `about ${kind}` });
      expect(JSON.stringify(JSON.parse(body))).toContain(`"about ${kind}"`);
      expect(body).toContain(`"${shape.type}"`);
    }
  });

  it.each(descriptions)('%s: the breaker counts only server-side failures, never a 429; the base URL is absolute', (_type, description) => {
    expect(description.breakerStatuses).not.toContain(429);
    for (const status of description.breakerStatuses) expect(status).toBeGreaterThanOrEqual(500);
    expect(new URL(description.defaultBaseUrl).protocol).toBe('https:');
  });
});

describe('a provider type that only has a description', () => {
  // A type the union does not name yet: everything below reads the description, nothing switches on the type.
  const acme: ProviderDescription = {
    type: 'acme' as ProviderType,
    genAiProviderName: 'acme',
    defaultBaseUrl: 'https://api.acme.test/',
    routePrefix: '/api',
    routes: [{ method: 'POST', pattern: '/v2/chat', api: 'openai-chat' }, { method: 'GET', pattern: '/v2/models' }],
    credentialHeader: 'x-api-key',
    clientCredentialHeaders: ['x-api-key'],
    errorShapes: { ...OPENAI.errorShapes, rate_limited: { status: 429, type: 'slow_down' } },
    errorBody: (error) => JSON.stringify({ failure: { kind: error.type, text: error.message } }),
    accountHeaders: { request: ['acme-tenant'], response: [] },
    breakerStatuses: [502, 503],
    streamPing: ': keep-alive\n\n',
    keyFormat: { prefix: 'acme_', vendor: 'an Acme' },
    keyCheck: { path: '/v2/models', headers: { 'acme-version': '7' } },
  };

  it('routes, authenticates and writes errors as the description says', () => {
    expect(matchRoute(acme, 'POST', '/v2/chat')).toEqual({ kind: 'bridged', api: 'openai-chat', upstreamPath: '/v2/chat' });
    expect(matchRoute(acme, 'POST', '/chat/completions')).toBeUndefined();
    expect(defaultBaseUrl(acme)).toBe('https://api.acme.test/');
    expect(applyCredential(acme, { authorization: 'Bearer tg_x' }, 'acme-key')).toEqual({ 'x-api-key': 'acme-key' });
    const headers = { authorization: 'Bearer sk-not-for-acme', 'x-api-key': 'acme-own' };
    expect(extractCredentials(acme, headers)).toEqual({ byokCredential: 'acme-own', byokHeader: 'x-api-key' });
    expect(headersToForward(acme, headers)).toEqual({ 'x-api-key': 'acme-own' });
    const shape = errorShapeFor(acme, 'rate_limited');
    expect(shape).toEqual({ status: 429, type: 'slow_down' });
    expect(errorBody(acme, { type: shape.type, message: 'wait' })).toBe('{"failure":{"kind":"slow_down","text":"wait"}}');
  });

  it('knows a model denial by its own marker only', () => {
    const denial = Buffer.from(JSON.stringify({ error: { code: 'model_not_found', message: 'no' } }));
    expect(isModelAccessDenial(acme, denial, 'acme-large')).toBe(false);
    expect(isModelAccessDenial({ ...acme, modelDenial: { code: 'model_not_found', phrase: 'not yours' } }, denial, 'acme-large')).toBe(true);
  });
});
