import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A trace receiver that reads and discards whatever the OTLP/HTTP exporters post (protobuf or JSON) and answers
 * 200, so tracing runs its real export path without a collector. `GET /stats` reports what arrived.
 * Runs as its own process (`main.js otlp-sink`) so it does not share an event loop with the load generator.
 */
export async function runOtlpSink(): Promise<void> {
  let exports = 0;
  let bytes = 0;
  const server = createServer((request, response) => {
    if (request.method === 'GET' && request.url === '/stats') {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ exports, bytes }));
      return;
    }
    request.on('data', (chunk: Buffer) => (bytes += chunk.length));
    request.on('end', () => {
      exports += 1;
      const json = (request.headers['content-type'] ?? '').includes('json');
      response.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' }).end(json ? '{}' : '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  console.log(`otlp sink listening on http://127.0.0.1:${port}`);
  const stop = (): void => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
