import { once } from 'node:events';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { ResolvedAddress } from './endpoint.resolver';
import { createPinnedDispatcher, type PinnedDispatcherOptions } from './pinned-dispatcher';
import { createThrowawayCertificates, type ThrowawayCertificates } from './throwaway-ca.fixture';

// The guard refuses loopback, rightly; these tests pin the dispatcher directly to a local server.
const LOOPBACK: ResolvedAddress = { address: '127.0.0.1', family: 4 };
const TIMEOUTS: PinnedDispatcherOptions = { connectTimeoutMs: 5_000, headersTimeoutMs: 5_000, bodyTimeoutMs: 5_000 };

describe('createPinnedDispatcher over real TLS', () => {
  let certificates: ThrowawayCertificates;
  let server: Server;
  let port: number;
  const serverNamesSeen: (string | false | null)[] = [];

  beforeAll(async () => {
    certificates = createThrowawayCertificates('api.tollgate.test');
    server = createServer({ key: certificates.serverKeyPem, cert: certificates.serverCertPem }, (request, response) => {
      serverNamesSeen.push((request.socket as TLSSocket).servername);
      response.end('ok');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.close();
    await once(server, 'close');
  });

  beforeEach(() => {
    serverNamesSeen.length = 0;
  });

  async function get(hostname: string, options: PinnedDispatcherOptions, headers: Record<string, string> = {}) {
    const url = new URL(`https://${hostname}:${port}/v1/models`);
    const dispatcher = createPinnedDispatcher(url, LOOPBACK, options);
    try {
      const response = await dispatcher.request({ origin: url.origin, path: url.pathname, method: 'GET', headers });
      return { status: response.statusCode, body: await response.body.text() };
    } finally {
      await dispatcher.close();
    }
  }

  it('connects to the pinned address while SNI and verification use the host name', async () => {
    await expect(get('api.tollgate.test', { ...TIMEOUTS, ca: certificates.caPem })).resolves.toEqual({ status: 200, body: 'ok' });
    expect(serverNamesSeen).toEqual(['api.tollgate.test']);
  });

  it('keeps the URL host name for SNI whatever Host header the request carries', async () => {
    const headers = { host: 'evil.tollgate.test' };
    await expect(get('api.tollgate.test', { ...TIMEOUTS, ca: certificates.caPem }, headers)).resolves.toMatchObject({ status: 200 });
    expect(serverNamesSeen).toEqual(['api.tollgate.test']);
  });

  it('fails verification when the certificate is for another name than the pinned URL', async () => {
    await expect(get('other.tollgate.test', { ...TIMEOUTS, ca: certificates.caPem })).rejects.toMatchObject({
      code: 'ERR_TLS_CERT_ALTNAME_INVALID',
    });
    expect(serverNamesSeen).toEqual([]);
  });

  it('fails verification without the test CA', async () => {
    await expect(get('api.tollgate.test', TIMEOUTS)).rejects.toMatchObject({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
    expect(serverNamesSeen).toEqual([]);
  });
});
