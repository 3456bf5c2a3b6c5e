import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';

/**
 * The floor for any Node.js gateway on this machine: a plain HTTP server that reads the request, forwards it with
 * undici and relays the answer (streams chunk by chunk), with no authentication, key pool, recording or tracing.
 * `/{flavour}/…` goes to that mock. Runs as its own process (`main.js bare-proxy fast=URL paced=URL slow=URL`).
 */
export async function runBareProxy(upstreams: Record<string, string>): Promise<void> {
  const agent = new Agent({ keepAliveTimeout: 30_000 });
  const server = createServer((request, response) => {
    forward(agent, upstreams, request, response).catch(() => {
      if (!response.headersSent) response.writeHead(502);
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  console.log(`bare proxy listening on http://127.0.0.1:${port}`);
  const stop = (): void => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

async function forward(agent: Agent, upstreams: Record<string, string>, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const parts: Buffer[] = [];
  for await (const part of request) parts.push(part as Buffer);
  const origin = upstreams[(request.url ?? '/').split('/')[1]];
  if (!origin) {
    response.writeHead(404).end();
    return;
  }
  const upstream = await agent.request({
    origin,
    path: '/openai/v1/chat/completions',
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench-bare-proxy-000000' },
    body: Buffer.concat(parts),
  });
  const contentType = String(upstream.headers['content-type'] ?? 'application/json');
  if (!contentType.startsWith('text/event-stream')) {
    const body = Buffer.from(await upstream.body.arrayBuffer());
    response.writeHead(upstream.statusCode, { 'content-type': contentType, 'content-length': body.length }).end(body);
    return;
  }
  response.writeHead(upstream.statusCode, { 'content-type': contentType, 'cache-control': 'no-cache' });
  response.flushHeaders();
  for await (const chunk of upstream.body) {
    if (!response.write(chunk)) await once(response, 'drain');
  }
  response.end();
}
