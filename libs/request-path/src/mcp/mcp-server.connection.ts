import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { McpServerConfig } from '@tollgate/platform';

export interface McpToolDescriptor {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

/** A tool call's result as text for the model; `isError` when the tool (or the call) failed. */
export interface McpCallResult {
  text: string;
  isError: boolean;
}

const CLIENT_INFO = { name: 'tollgate-gateway', version: '0.1.0' };

/**
 * One MCP server over streamable HTTP (the official SDK client). Connects lazily; after a failure the connection
 * is dropped and the next call connects again, so a server that was down is picked up once it is back.
 */
export class McpServerConnection {
  private client?: Client;
  private connecting?: Promise<Client>;

  constructor(
    private readonly config: McpServerConfig,
    private readonly connectTimeoutMs: number,
  ) {}

  get name(): string {
    return this.config.name;
  }

  /** Every tool the server lists (all pages). */
  async listTools(): Promise<McpToolDescriptor[]> {
    try {
      // Listing is read-only: retried once on a new connection after any connection or session failure.
      return await this.retryingOnce(isConnectionFailure, () => this.listAllTools());
    } catch (error) {
      await this.disconnect();
      throw error;
    }
  }

  private async listAllTools(): Promise<McpToolDescriptor[]> {
    const client = await this.connected();
    const tools: McpToolDescriptor[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor === undefined ? undefined : { cursor }, { timeout: this.connectTimeoutMs });
      for (const tool of page.tools) {
        tools.push({ name: tool.name, description: tool.description ?? '', inputSchema: tool.inputSchema as Record<string, unknown> });
      }
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    return tools;
  }

  /** Calls a tool; a failure of any kind (tool error, timeout, server unreachable) is an error result, never thrown. */
  async callTool(name: string, args: Record<string, unknown>, timeoutMs: number, signal?: AbortSignal): Promise<McpCallResult> {
    try {
      return await this.retryingOnce(isSessionGone, () => this.callOnce(name, args, timeoutMs, signal));
    } catch (error) {
      if (isTimeout(error)) return { text: `tool "${name}" timed out after ${timeoutMs} ms`, isError: true };
      if (!signal?.aborted && isConnectionFailure(error)) await this.disconnect();
      return { text: `tool "${name}" failed: ${(error as Error).message}`, isError: true };
    }
  }

  async close(): Promise<void> {
    await this.disconnect();
  }

  /**
   * Runs a request again, once, on a new connection when `retryable` says the failure allows it. A tool call is only
   * retried when the server restarted and forgot our session: it answers 404 without running anything.
   */
  private async retryingOnce<T>(retryable: (error: unknown) => boolean, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      if (!retryable(error)) throw error;
      await this.disconnect();
      return request();
    }
  }

  private async callOnce(name: string, args: Record<string, unknown>, timeoutMs: number, signal?: AbortSignal): Promise<McpCallResult> {
    const client = await this.connected();
    const result = await client.callTool({ name, arguments: args }, undefined, { timeout: timeoutMs, signal });
    return { text: resultText(result), isError: result.isError === true };
  }

  private connected(): Promise<Client> {
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= this.connect().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async connect(): Promise<Client> {
    // Loaded on first use: a gateway without MCP servers does not pay the SDK's memory (about 25 MiB).
    const [{ Client: McpClient }, { StreamableHTTPClientTransport }] = await Promise.all([
      import('@modelcontextprotocol/sdk/client/index.js'),
      import('@modelcontextprotocol/sdk/client/streamableHttp.js'),
    ]);
    const client = new McpClient(CLIENT_INFO, { capabilities: {} });
    const transport = new StreamableHTTPClientTransport(new URL(this.config.url), { requestInit: { headers: this.config.headers } });
    try {
      await client.connect(transport, { timeout: this.connectTimeoutMs });
    } catch (error) {
      await client.close().catch(() => undefined);
      throw error;
    }
    client.onclose = () => {
      if (this.client === client) this.client = undefined;
    };
    this.client = client;
    return client;
  }

  private async disconnect(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.close().catch(() => undefined);
  }
}

/** The text parts joined; other parts (images, resources) as JSON; structured content when there is nothing else. */
function resultText(result: Awaited<ReturnType<Client['callTool']>>): string {
  const content = Array.isArray(result.content) ? result.content : [];
  const parts = content.map((part) => (part.type === 'text' ? part.text : JSON.stringify(part)));
  if (parts.length === 0 && result.structuredContent !== undefined) return JSON.stringify(result.structuredContent);
  return parts.join('\n');
}

function isTimeout(error: unknown): boolean {
  // The SDK raises McpError with ErrorCode.RequestTimeout (-32001).
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === -32001;
}

/** Streamable HTTP answers 404 to a request on a session the server does not know (any more). */
function isSessionGone(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 404;
}

/** Anything but a JSON-RPC error answered by the server (negative codes): the connection or session is bad. */
function isConnectionFailure(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return !(typeof code === 'number' && code < 0);
}
