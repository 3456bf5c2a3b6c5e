import type { Logger, TollgateConfig } from '@tollgate/platform';
import type { InjectableTool } from '@tollgate/providers';
import { injectedToolName } from './injected-tool-name';
import { McpServerConnection, type McpCallResult } from './mcp-server.connection';
import { createToolFilter } from './tool-filter';

/** An MCP tool as injected: the name the model sees, and where it really lives. */
export interface CatalogueTool extends InjectableTool {
  server: string;
  /** The tool's name on its MCP server. */
  serverToolName: string;
}

export interface McpCatalogueObserver {
  /** After each refresh of one server: whether it answered, and how many of its tools are injected. */
  serverRefreshed(server: string, up: boolean, injectedTools: number): void;
}

/** One server as an operator sees it (`GET /admin/v1/mcp/servers`): no header value, no query string. */
export interface McpServerStatus {
  name: string;
  /** The endpoint without its query string (which could carry a credential). */
  url: string;
  /** undefined before the first refresh has finished. */
  up?: boolean;
  lastRefreshAt?: string;
  /** Why the last refresh failed. */
  lastError?: string;
  tools: Array<{ name: string; serverToolName: string; description: string }>;
}

interface ServerEntry {
  url: string;
  connection: McpServerConnection;
  accepts: (toolName: string) => boolean;
  tools: CatalogueTool[];
  /** Whether the last refresh reached it; undefined before the first. */
  up?: boolean;
  lastRefreshAt?: Date;
  lastError?: string;
}

type McpConfig = TollgateConfig['mcp'];

/**
 * The injected tools of every configured MCP server, listed at start and refreshed every `refreshInterval`. A
 * server that does not answer is logged and metered, keeps no tools, and is tried again at the next refresh; it
 * never stops the gateway. The list is sorted by injected name, so requests stay byte-stable for prompt caches.
 */
export class McpToolCatalogue {
  private readonly servers: ServerEntry[];
  private snapshot: readonly CatalogueTool[] = [];
  private byName = new Map<string, CatalogueTool>();
  private timer?: NodeJS.Timeout;
  private refreshing?: Promise<void>;

  constructor(
    private readonly config: McpConfig,
    private readonly observer: McpCatalogueObserver,
    private readonly logger: Logger,
  ) {
    this.servers = config.servers.map((server) => ({
      url: withoutQuery(server.url),
      connection: new McpServerConnection(server, config.connectTimeoutMs),
      accepts: createToolFilter(server.allow, server.deny),
      tools: [],
    }));
  }

  get enabled(): boolean {
    return this.servers.length > 0;
  }

  /** Lists every server's tools once (bounded by the connect timeout), then keeps refreshing in the background. */
  async start(): Promise<void> {
    if (!this.enabled) return;
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.config.refreshIntervalMs);
    this.timer.unref();
  }

  /** The injected tools right now, sorted by name. */
  tools(): readonly CatalogueTool[] {
    return this.snapshot;
  }

  /** Every configured server: reachable or not, when last refreshed, its injected tools. */
  status(): McpServerStatus[] {
    return this.servers.map((server) => ({
      name: server.connection.name,
      url: server.url,
      up: server.up,
      lastRefreshAt: server.lastRefreshAt?.toISOString(),
      lastError: server.lastError,
      tools: server.tools.map((tool) => ({ name: tool.name, serverToolName: tool.serverToolName, description: tool.description })),
    }));
  }

  lookup(injectedName: string): CatalogueTool | undefined {
    return this.byName.get(injectedName);
  }

  /** Runs one injected tool on its server within the tool timeout; failures come back as error results. */
  invoke(tool: CatalogueTool, args: Record<string, unknown>, signal?: AbortSignal): Promise<McpCallResult> {
    const server = this.servers.find((entry) => entry.connection.name === tool.server);
    if (!server) return Promise.resolve({ text: `MCP server "${tool.server}" is no longer configured`, isError: true });
    return server.connection.callTool(tool.serverToolName, args, this.config.toolTimeoutMs, signal);
  }

  /** Fetches every server's tool list again; concurrent calls share one refresh. */
  refresh(): Promise<void> {
    this.refreshing ??= Promise.all(this.servers.map((server) => this.refreshServer(server)))
      .then(() => this.rebuildSnapshot())
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.refreshing?.catch(() => undefined);
    await Promise.all(this.servers.map((server) => server.connection.close()));
  }

  private async refreshServer(server: ServerEntry): Promise<void> {
    const name = server.connection.name;
    try {
      const listed = await server.connection.listTools();
      server.tools = listed
        .filter((tool) => server.accepts(tool.name))
        .map((tool) => ({
          name: injectedToolName(name, tool.name),
          description: tool.description,
          inputSchema: tool.inputSchema,
          server: name,
          serverToolName: tool.name,
        }))
        .sort(byName);
      if (server.up !== true) this.logger.info({ mcpServer: name, tools: server.tools.length }, 'MCP server tools listed');
      server.up = true;
      server.lastError = undefined;
      this.observer.serverRefreshed(name, true, server.tools.length);
    } catch (error) {
      if (server.up !== false) {
        this.logger.warn({ mcpServer: name, err: { message: (error as Error).message } }, 'MCP server unavailable; its tools are not injected until it answers');
      }
      server.tools = [];
      server.up = false;
      server.lastError = (error as Error).message;
      this.observer.serverRefreshed(name, false, 0);
    }
  }

  private rebuildSnapshot(): void {
    const now = new Date();
    for (const server of this.servers) server.lastRefreshAt = now;
    const toolsByName = new Map<string, CatalogueTool>();
    for (const server of this.servers) {
      for (const tool of server.tools) {
        if (!toolsByName.has(tool.name)) toolsByName.set(tool.name, tool);
      }
    }
    this.byName = toolsByName;
    this.snapshot = [...toolsByName.values()].sort(byName);
  }
}

function byName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function withoutQuery(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}
