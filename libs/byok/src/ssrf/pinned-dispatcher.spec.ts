import { once } from 'node:events';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errors, fetch } from 'undici';
import type { ResolvedAddress, Resolver } from './endpoint.resolver';
import { createPinnedDispatcher, pinnedLookup, type PinnedDispatcherOptions } from './pinned-dispatcher';
import { RefusedEndpointError } from './refused-endpoint.error';

// The guard refuses loopback, rightly; these tests pin the dispatcher directly to a local server. `.test` names
// never resolve in DNS, so reaching the server proves the connection went to the pinned address.
const LOOPBACK: ResolvedAddress = { address: '127.0.0.1', family: 4 };
const TIMEOUTS: PinnedDispatcherOptions = { connectTimeoutMs: 5_000, headersTimeoutMs: 5_000, bodyTimeoutMs: 5_000 };

interface LocalServer {
  port: number;
  connections: string[];
  requests: string[];
  close(): Promise<void>;
}

async function startServer(listener: RequestListener): Promise<LocalServer> {
  const connections: string[] = [];
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    listener(request, response);
  });
  server.on('connection', (socket) => connections.push(socket.localAddress ?? ''));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    connections,
    requests,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

describe('pinnedLookup', () => {
  it('answers every query with the pinned address, in both callback forms', () => {
    const lookup = pinnedLookup({ address: '93.184.215.14', family: 4 });
    const answers: unknown[] = [];
    lookup('api.example.com', { all: true }, (_error, addresses) => answers.push(addresses));
    lookup('anything.else', {}, (_error, address, family) => answers.push([address, family]));
    expect(answers).toEqual([[{ address: '93.184.215.14', family: 4 }], ['93.184.215.14', 4]]);
  });
});

describe('createPinnedDispatcher', () => {
  let server: LocalServer;
  afterEach(() => server.close());

  it('keeps connecting to the address it was given while DNS rebinds, and never resolves again', async () => {
    server = await startServer((_request, response) => response.writeHead(200, { connection: 'close' }).end('ok'));
    const rebinding: jest.MockedFunction<Resolver> = jest.fn();
    rebinding.mockResolvedValueOnce([LOOPBACK]).mockResolvedValue([{ address: '10.0.0.5', family: 4 }]);
    const [pinned] = await rebinding('api.tollgate.test');

    const url = new URL(`http://api.tollgate.test:${server.port}/`);
    const dispatcher = createPinnedDispatcher(url, pinned, TIMEOUTS);
    for (let attempt = 0; attempt < 3; attempt++) {
      const response = await dispatcher.request({ origin: url.origin, path: '/v1/models', method: 'GET' });
      await response.body.text();
      expect(response.statusCode).toBe(200);
    }
    await dispatcher.close();

    expect(server.connections).toEqual(['127.0.0.1', '127.0.0.1', '127.0.0.1']);
    expect(rebinding).toHaveBeenCalledTimes(1);
  });

  it('returns a redirect to a private address instead of following it', async () => {
    server = await startServer((request, response) => {
      if (request.url === '/v1/models') response.writeHead(302, { location: `http://127.0.0.1:${server.port}/admin` });
      response.end();
    });
    const url = new URL(`http://api.tollgate.test:${server.port}/`);
    const dispatcher = createPinnedDispatcher(url, LOOPBACK, TIMEOUTS);

    const response = await dispatcher.request({ origin: url.origin, path: '/v1/models', method: 'GET' });
    await response.body.text();
    await dispatcher.close();

    expect(response.statusCode).toBe(302);
    expect(response.headers.location).toBe(`http://127.0.0.1:${server.port}/admin`);
    expect(server.requests).toEqual(['GET /v1/models']);
  });

  it('refuses to carry a redirect-following client to another origin', async () => {
    server = await startServer((request, response) => {
      if (request.url === '/v1/models') response.writeHead(302, { location: `http://127.0.0.1:${server.port}/admin` });
      response.end();
    });
    const url = new URL(`http://api.tollgate.test:${server.port}/v1/models`);
    const dispatcher = createPinnedDispatcher(url, LOOPBACK, TIMEOUTS);

    const followed = fetch(url, { dispatcher, redirect: 'follow' });
    await expect(followed).rejects.toMatchObject({ cause: expect.any(RefusedEndpointError) });
    await dispatcher.close();
    expect(server.requests).toEqual(['GET /v1/models']);
  });

  it('refuses a request for any origin but the pinned one', async () => {
    server = await startServer((_request, response) => response.end('ok'));
    const url = new URL(`http://api.tollgate.test:${server.port}/`);
    const dispatcher = createPinnedDispatcher(url, LOOPBACK, TIMEOUTS);

    const elsewhere = dispatcher.request({ origin: `http://other.tollgate.test:${server.port}`, path: '/', method: 'GET' });
    await expect(elsewhere).rejects.toThrow(RefusedEndpointError);
    await dispatcher.close();
    expect(server.connections).toEqual([]);
  });

  it('applies the headers timeout it is given', async () => {
    server = await startServer(() => undefined);
    const url = new URL(`http://api.tollgate.test:${server.port}/`);
    const dispatcher = createPinnedDispatcher(url, LOOPBACK, { ...TIMEOUTS, headersTimeoutMs: 50 });

    const request = dispatcher.request({ origin: url.origin, path: '/', method: 'GET' });
    await expect(request).rejects.toThrow(errors.HeadersTimeoutError);
    await dispatcher.close();
  });

  it('will not pin a literal-IP URL to a different address', () => {
    const literal = new URL('https://93.184.215.14/');
    expect(() => createPinnedDispatcher(literal, { address: '10.0.0.5', family: 4 }, TIMEOUTS)).toThrow(RefusedEndpointError);

    const mapped = new URL('https://[::ffff:5db8:d70e]/');
    expect(() => createPinnedDispatcher(mapped, { address: '::ffff:93.184.215.14', family: 6 }, TIMEOUTS)).not.toThrow();
  });
});
