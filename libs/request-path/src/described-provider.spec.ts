import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MemoryKeyStateStore } from '@tollgate/keypool';
import { loadConfig } from '@tollgate/platform';
import { PROVIDER_DESCRIPTIONS, matchRoute, type ProviderDescription } from '@tollgate/providers';
import { startMockUpstream, type MockUpstream } from '@tollgate/testing';
import { systemClock } from '@tollgate/time';
import { ClientAnswer } from './bridge/client-answer';
import type { BridgedRequest } from './bridge/bridged-request';
import { sendWithFailover } from './bridge/upstream-attempts';
import { isBreakerFailure } from './circuit/circuit-breakers';
import { writeGatewayError } from './errors/error-response';
import { GatewayError } from './errors/gateway-error';
import { RequestTiming } from './http/request-timing';
import { ProviderRegistry, type ProviderRuntime } from './keys/provider-runtime';
import { UpstreamClient, type UpstreamResponse } from './upstream/upstream.client';

/**
 * A provider the request path knows only through its description: an Anthropic-compatible API with its own route
 * prefix, key header, error shape, breaker statuses and keep-alive ping. Nothing in the request path names it, so
 * what it does below can only come from the description.
 */
const ACME: ProviderDescription = {
  ...PROVIDER_DESCRIPTIONS.anthropic,
  routePrefix: '/acme-api',
  routes: [{ method: 'POST', pattern: '/v1/messages', api: 'anthropic-messages' }],
  credentialHeader: 'authorization',
  clientCredentialHeaders: ['authorization'],
  errorShapes: { ...PROVIDER_DESCRIPTIONS.anthropic.errorShapes, circuit_open: { status: 503, type: 'acme_resting' } },
  errorBody: (error) => JSON.stringify({ acme_error: { kind: error.type, says: error.message } }),
  breakerStatuses: [500, 599],
  streamPing: ': acme keep-alive\n\n',
};

describe('a provider type described only by its description', () => {
  let mock: MockUpstream;
  let client: UpstreamClient;
  let acme: ProviderRuntime;
  beforeAll(async () => {
    mock = await startMockUpstream();
    client = new UpstreamClient({ connectTimeoutMs: 1_000, firstByteTimeoutMs: 5_000, idleTimeoutMs: 5_000 });
    const config = loadConfig({
      env: {},
      document: { providers: [{ name: 'acme', type: 'anthropic', baseUrl: mock.anthropicBaseUrl, keys: ['acme-pool-key'] }] },
    });
    const observer = { transition: () => undefined, exhaustion: () => undefined };
    const registry = new ProviderRegistry(config, new MemoryKeyStateStore(), systemClock, observer, { ...PROVIDER_DESCRIPTIONS, anthropic: ACME });
    acme = registry.get('acme')!;
  });
  afterAll(async () => {
    await client.close();
    await mock.close();
  });

  it('routes under its own prefix', () => {
    expect(acme.description).toBe(ACME);
    expect(acme.routePrefix).toBe('/acme/acme-api');
    expect(matchRoute(acme.description, 'POST', '/v1/messages')).toEqual({ kind: 'bridged', api: 'anthropic-messages', upstreamPath: '/v1/messages' });
    expect(matchRoute(acme.description, 'GET', '/v1/models')).toBeUndefined();
  });

  it('sends pool keys in its own header', async () => {
    const result = await sendWithFailover({
      client,
      provider: acme,
      route: 'anthropic-messages',
      plan: { kind: 'centralized' },
      request: {
        target: { origin: acme.upstreamBase.origin, path: `${acme.upstreamBase.path}/v1/messages` },
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: Buffer.from(JSON.stringify({ model: 'acme-1', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] })),
        signal: new AbortController().signal,
      },
      summary: { hint: '', handedOut: 0 },
      metrics: { upstreamAttempted: () => undefined },
    });
    if (result.kind === 'response') await result.response.body.dump();
    const received = mock.received[mock.received.length - 1];
    expect(received.headers.authorization).toBe('Bearer acme-pool-key');
    expect(received.headers['x-api-key']).toBeUndefined();
  });

  it('counts its own statuses against the circuit breaker', () => {
    expect([500, 502, 503, 529, 599].filter((status) => isBreakerFailure(acme.description, status))).toEqual([500, 599]);
  });

  it('writes gateway errors in its own shape', async () => {
    const answer = await answerOf((out) => writeGatewayError(out, acme.description, new GatewayError('circuit_open', 'resting', 7)));
    expect(answer.status).toBe(503);
    expect(answer.headers['retry-after']).toBe('7');
    expect(answer.body).toBe('{"acme_error":{"kind":"acme_resting","says":"resting"}}');
  });

  it('keeps its streams alive with its own ping', async () => {
    const request = { provider: acme, api: 'anthropic-messages', plan: { kind: 'centralized' }, timing: new RequestTiming() };
    const upstream = { statusCode: 200, headers: { 'request-id': 'req_acme' } } as unknown as UpstreamResponse;
    let answer: ClientAnswer | undefined;
    const text = await streamUntil(': acme keep-alive\n\n', (out) => {
      answer = new ClientAnswer({ ...request, out } as unknown as BridgedRequest, { 'x-tollgate-interception-id': 'i-acme' }, 1);
      answer.openStream(upstream);
    });
    answer?.end();
    expect(text.startsWith(': acme keep-alive\n\n')).toBe(true);
  });

  let server: Server | undefined;
  afterEach(() => server?.close());

  /** The answer `write` gives a GET, read whole. */
  async function answerOf(write: (out: ServerResponse) => void): Promise<{ status: number; headers: IncomingMessage['headers']; body: string }> {
    const response = await get(write);
    let body = '';
    for await (const chunk of response) body += chunk;
    return { status: response.statusCode ?? 0, headers: response.headers, body };
  }

  /** What a streamed answer sent until it contained `expected` (the connection is then closed). */
  async function streamUntil(expected: string, write: (out: ServerResponse) => void): Promise<string> {
    const response = await get(write);
    expect(response.headers['content-type']).toBe('text/event-stream');
    let text = '';
    for await (const chunk of response) {
      text += chunk;
      if (text.includes(expected)) break;
    }
    return text;
  }

  async function get(write: (out: ServerResponse) => void): Promise<IncomingMessage> {
    server = createServer((_request, out) => write(out));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return new Promise((resolve, reject) => httpRequest({ host: '127.0.0.1', port, path: '/' }, resolve).on('error', reject).end());
  }
});
