import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';

export interface TestMcpToolCall {
  tool: string;
  arguments: Record<string, unknown>;
  /** Headers of the HTTP request that carried the call (e.g. authorization). */
  headers: Record<string, string | string[] | undefined>;
}

export interface TestMcpServerOptions {
  /** Default 0: a free port. A fixed port lets a test stop the server and start it again at the same URL. */
  port?: number;
  /** How long the `slow` tool takes (default 5 s). */
  slowMs?: number;
  /**
   * Sessions (`mcp-session-id`), as most real servers keep: a request on a session this server instance does not
   * know is answered 404, as after a restart. Default: stateless.
   */
  sessions?: boolean;
}

export interface TestMcpServer {
  /** The streamable HTTP endpoint, `http://127.0.0.1:PORT/mcp`. */
  readonly url: string;
  readonly port: number;
  /** Every tool call received, in order. */
  readonly calls: readonly TestMcpToolCall[];
  close(): Promise<void>;
}

/**
 * A real MCP server (the official SDK's server, streamable HTTP, stateless) on loopback with four tools:
 * `search` (answers `results for <query>`), `explode` (always fails), `slow` (answers after `slowMs`) and
 * `delete_everything` (for deny filters).
 */
export async function startTestMcpServer(options: TestMcpServerOptions = {}): Promise<TestMcpServer> {
  const calls: TestMcpToolCall[] = [];
  const slowMs = options.slowMs ?? 5_000;

  const buildServer = (request: IncomingMessage): McpServer => {
    const server = new McpServer({ name: 'tollgate-test-mcp', version: '1.0.0' });
    const record = (tool: string, args: Record<string, unknown>) => calls.push({ tool, arguments: args, headers: { ...request.headers } });
    server.registerTool(
      'search',
      { description: 'Searches the internal docs', inputSchema: { query: z.string() } },
      async (args) => {
        record('search', args);
        return { content: [{ type: 'text', text: `results for ${args.query}` }] };
      },
    );
    server.registerTool('explode', { description: 'Always fails', inputSchema: { reason: z.string().optional() } }, async (args) => {
      record('explode', args);
      throw new Error('the explode tool failed on purpose');
    });
    server.registerTool('slow', { description: 'Answers slowly', inputSchema: {} }, async (args) => {
      record('slow', args);
      await new Promise((resolve) => setTimeout(resolve, slowMs).unref());
      return { content: [{ type: 'text', text: 'finally' }] };
    });
    server.registerTool('delete_everything', { description: 'Never to be injected', inputSchema: {} }, async (args) => {
      record('delete_everything', args);
      return { content: [{ type: 'text', text: 'deleted' }] };
    });
    return server;
  };

  const sessions = new Map<string, StreamableHTTPServerTransport>();

  // Stateless: a server and transport per request, no session id.
  const handleStateless = (request: IncomingMessage, response: ServerResponse, body: unknown): Promise<void> => {
    const server = buildServer(request);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    response.on('close', () => {
      void transport.close();
      void server.close();
    });
    return server.connect(transport).then(() => transport.handleRequest(request, response, body));
  };

  const handleWithSessions = async (request: IncomingMessage, response: ServerResponse, body: unknown): Promise<void> => {
    const sessionId = request.headers['mcp-session-id'];
    if (typeof sessionId === 'string') {
      const transport = sessions.get(sessionId);
      if (!transport) {
        response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null }));
        return;
      }
      return transport.handleRequest(request, response, body);
    }
    if (!isInitializeRequest(body)) {
      response.writeHead(400).end();
      return;
    }
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => void sessions.set(id, transport),
    });
    await buildServer(request).connect(transport);
    return transport.handleRequest(request, response, body);
  };

  const http: Server = createServer((request, response) => {
    if (request.method !== 'POST' || request.url?.split('?')[0] !== '/mcp') {
      response.writeHead(405, { allow: 'POST' }).end();
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const handled = options.sessions ? handleWithSessions(request, response, body) : handleStateless(request, response, body);
      handled.catch(() => {
        if (!response.headersSent) response.writeHead(500).end();
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (http.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    port,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}
