import { connect, type Socket } from 'node:net';
import { ADMIN_TOKEN, ALICE_TOKEN, startHarness, type Harness } from './support/gateway-harness';

/** What came back on a raw connection: everything the server wrote before closing it (or by the deadline). */
interface RawExchange {
  status: number;
  headers: string;
  body: string;
  /** The server closed the connection within the wait (not the test giving up). */
  closed: boolean;
}

/**
 * Sends `head` (request line and headers) and then `initialBody`, keeps the connection open without sending the rest,
 * and collects what the server answers until it closes the connection or `waitMs` passes.
 */
function rawRequest(url: string, head: string, initialBody: string, waitMs: number, dribble = false): Promise<RawExchange> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    let drip: NodeJS.Timeout | undefined;
    const finish = (closed: boolean) => {
      clearTimeout(deadline);
      clearInterval(drip);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('utf8');
      const [headers, body = ''] = text.split('\r\n\r\n', 2);
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(headers)?.[1] ?? 0), headers, body, closed });
    };
    const deadline = setTimeout(() => finish(false), waitMs);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('close', () => finish(true));
    socket.on('error', reject);
    if (head !== '') socket.write(head.replace(/\n/g, '\r\n') + '\r\n' + initialBody);
    if (dribble) drip = setInterval(() => socket.writable && socket.write('x'), 100);
  });
}

describe('request limits on the gateway HTTP server', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness({ server: { headersTimeout: '400ms', requestTimeout: '800ms', apiMaxBodyBytes: 2048 } });
  });
  afterAll(() => harness.close());
  beforeEach(() => {
    harness.mock.reset();
    harness.sink.events.length = 0;
  });

  describe('a request that does not arrive in time', () => {
    it('a chat body dribbled a byte at a time → 408 in the OpenAI shape, connection closed', async () => {
      const head = `POST /openai/v1/chat/completions HTTP/1.1\nHost: x\nAuthorization: Bearer ${ALICE_TOKEN}\nContent-Type: application/json\nContent-Length: 100000\n`;
      const exchange = await rawRequest(harness.url, head, '{"model":', 5_000, true);
      expect(exchange.status).toBe(408);
      expect(exchange.closed).toBe(true);
      expect(JSON.parse(exchange.body)).toEqual({
        error: { message: 'the request did not arrive within the server timeout', type: 'invalid_request_error', code: 'request_timeout', param: null },
      });
      expect(harness.mock.received).toHaveLength(0);
    });

    it('an Anthropic messages body that stalls → 408 in the Anthropic shape', async () => {
      const head = `POST /anthropic/v1/messages HTTP/1.1\nHost: x\nx-api-key: ${ALICE_TOKEN}\nanthropic-version: 2023-06-01\nContent-Length: 500\n`;
      const exchange = await rawRequest(harness.url, head, '{"model":"claude', 5_000);
      expect(exchange.status).toBe(408);
      expect(JSON.parse(exchange.body)).toEqual({ type: 'error', error: { type: 'timeout_error', message: 'the request did not arrive within the server timeout' } });
    });

    it('a slow answer is not cut: the timeout ends once the request has arrived', async () => {
      harness.mock.script('*', { delayMs: 1_500 });
      const response = await fetch(`${harness.url}/openai/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ALICE_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(response.status).toBe(200);
    });

    it('headers that never finish → 408 and the connection closed', async () => {
      const exchange = await rawRequest(harness.url, 'GET /healthz HTTP/1.1\nHost: x\nX-Slow: ', '', 5_000);
      expect(exchange.status).toBe(408);
      expect(exchange.closed).toBe(true);
    });

    it('a connection that sends nothing is closed once server.headersTimeout has passed', async () => {
      const exchange = await rawRequest(harness.url, '', '', 5_000);
      expect(exchange.closed).toBe(true);
    });

    it('an admin API body that stalls (authenticated) → 408 in the API shape', async () => {
      const head = `POST /admin/v1/users HTTP/1.1\nHost: x\nAuthorization: Bearer ${ADMIN_TOKEN}\nContent-Type: application/json\nContent-Length: 200\n`;
      const exchange = await rawRequest(harness.url, head, '{"id":', 5_000);
      expect(exchange.status).toBe(408);
      expect(JSON.parse(exchange.body)).toEqual({ error: { type: 'request_timeout', message: 'the request did not arrive within the server timeout' } });
    });
  });

  describe('authentication before the body is read', () => {
    // 30 MiB announced, a few bytes sent: the answer must come without the server waiting for (or reading) the rest.
    const upload = (path: string, auth: string) => `POST ${path} HTTP/1.1\nHost: x\n${auth}Content-Type: application/json\nContent-Length: ${30 * 1024 * 1024}\n`;

    it.each([
      ['/admin/v1/users', ''],
      ['/admin/v1/users', 'Authorization: Bearer tg_not_an_admin_token\n'],
      ['/v1/me/keys/openai', ''],
      ['/v1/me/keys/openai', 'X-Tollgate-Token: tg_unknown_token_123\n'],
    ])('POST %s without a valid token → 401 at once, connection closed', async (path, auth) => {
      const exchange = await rawRequest(harness.url, upload(path, auth), '{"a":', 3_000);
      expect(exchange.status).toBe(401);
      expect(exchange.closed).toBe(true);
      expect(JSON.parse(exchange.body).error.type).toBe('authentication_error');
    });

    it.each([
      ['/openai/v1/chat/completions', ''],
      ['/anthropic/v1/messages/count_tokens', 'X-Api-Key: tg_unknown_token_123\n'],
      ['/anthropic/v1/messages', ''],
    ])('POST %s without a valid token → 401 at once, connection closed', async (path, auth) => {
      const exchange = await rawRequest(harness.url, upload(path, auth), '{"a":', 3_000);
      expect(exchange.status).toBe(401);
      expect(exchange.closed).toBe(true);
    });

    it('a body to a path no route serves → 404 at once, connection closed', async () => {
      const exchange = await rawRequest(harness.url, upload('/healthz', ''), '{"a":', 3_000);
      expect(exchange.status).toBe(404);
      expect(exchange.closed).toBe(true);
    });

    it('an admin body over server.apiMaxBodyBytes → 413 before it is read', async () => {
      const exchange = await rawRequest(harness.url, upload('/admin/v1/users', `Authorization: Bearer ${ADMIN_TOKEN}\n`), '{"a":', 3_000);
      expect(exchange.status).toBe(413);
      expect(JSON.parse(exchange.body).error.type).toBe('payload_too_large');
    });

    it('an admin body over the cap without a content-length (chunked) → 413', async () => {
      const response = await fetch(`${harness.url}/admin/v1/users`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: new Blob([JSON.stringify({ id: 'x'.repeat(4096) })]).stream(),
        duplex: 'half',
      } as RequestInit);
      expect(response.status).toBe(413);
    });

    it('an authenticated admin request with a small body still works', async () => {
      const response = await fetch(`${harness.url}/admin/v1/users`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ id: 'x' }),
      });
      // No identity store in this harness: the route answers, past authentication and the body cap.
      expect([201, 503]).toContain(response.status);
    });
  });

  describe('client-chosen strings', () => {
    it.each([
      ['/openai/v1/chat/completions', { authorization: `Bearer ${ALICE_TOKEN}` }, { error: { type: 'invalid_request_error', code: 'invalid_request' } }],
      ['/anthropic/v1/messages', { 'x-api-key': ALICE_TOKEN }, { type: 'error', error: { type: 'invalid_request_error' } }],
    ])('a model name over 256 characters → 400 in the provider shape on %s, nothing upstream', async (path, headers, shape) => {
      const response = await fetch(`${harness.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ model: 'm'.repeat(3000), max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(response.status).toBe(400);
      const body = (await response.json()) as { error: { message: string } };
      expect(body).toMatchObject(shape);
      expect(body.error.message).toBe('"model" must be at most 256 characters');
      expect(harness.mock.received).toHaveLength(0);
      expect(harness.sink.events).toHaveLength(0);
    });
  });
});
