import { createLogger } from '@tollgate/platform';
import { startTestMcpServer, type TestMcpServer } from '@tollgate/testing';
import { injectedToolName } from './injected-tool-name';
import { McpToolCatalogue, type McpCatalogueObserver } from './mcp-tool.catalogue';

const silent = createLogger({ level: 'silent', destination: { write: () => undefined } });

/** `toolTimeoutMs` bounds only a test that would otherwise hang, except where a test times a tool out on purpose. */
function catalogueFor(
  servers: Array<{ name: string; url: string; allow?: string[]; deny?: string[] }>,
  observer?: McpCatalogueObserver,
  toolTimeoutMs = 10_000,
) {
  return new McpToolCatalogue(
    {
      servers: servers.map((server) => ({ headers: { authorization: 'Bearer mcp-secret' }, deny: [], ...server })),
      maxIterations: 8,
      toolTimeoutMs,
      refreshIntervalMs: 60_000,
      connectTimeoutMs: 2_000,
      userKeys: false,
      userEndpoints: false,
    },
    observer ?? { serverRefreshed: () => undefined },
    silent,
  );
}

describe('McpToolCatalogue (a real MCP server on loopback)', () => {
  let server: TestMcpServer;

  beforeAll(async () => {
    server = await startTestMcpServer({ slowMs: 60_000 }); // the slow tool never answers within a test
  });
  afterAll(() => server.close());

  it('lists the tools under their injected names, sorted, with deny winning over allow', async () => {
    const catalogue = catalogueFor([{ name: 'docs', url: `${server.url}?token=in-the-query`, allow: ['^(search|explode|slow|delete)'], deny: ['^delete_'] }]);
    expect(catalogue.status()).toEqual([{ name: 'docs', url: server.url, tools: [] }]);
    await catalogue.start();
    try {
      const [status] = catalogue.status();
      expect(status).toMatchObject({ name: 'docs', url: server.url, up: true, lastRefreshAt: expect.any(String) });
      expect(JSON.stringify(status)).not.toContain('in-the-query');
      expect(status.tools.map((tool) => tool.serverToolName)).toEqual(['explode', 'search', 'slow']);
      expect(catalogue.tools().map((tool) => tool.name)).toEqual(['mcp_docs_explode', 'mcp_docs_search', 'mcp_docs_slow']);
      const search = catalogue.lookup('mcp_docs_search')!;
      expect(search).toMatchObject({ server: 'docs', serverToolName: 'search', description: 'Searches the internal docs' });
      expect(search.inputSchema).toMatchObject({ type: 'object', properties: { query: { type: 'string' } }, required: ['query'] });
    } finally {
      await catalogue.close();
    }
  });

  it('runs a tool with the configured headers; a failing, slow or unreachable tool is an error result', async () => {
    const catalogue = catalogueFor([{ name: 'docs', url: server.url }]);
    await catalogue.start();
    try {
      const calls = server.calls.length;
      await expect(catalogue.invoke(catalogue.lookup('mcp_docs_search')!, { query: 'pool' })).resolves.toEqual({ text: 'results for pool', isError: false });
      expect(server.calls[calls]).toMatchObject({ tool: 'search', arguments: { query: 'pool' }, headers: { authorization: 'Bearer mcp-secret' } });
      const failed = await catalogue.invoke(catalogue.lookup('mcp_docs_explode')!, {});
      expect(failed.isError).toBe(true);
      expect(failed.text).toContain('the explode tool failed on purpose');
      const impatient = catalogueFor([{ name: 'docs', url: server.url }], undefined, 300);
      await impatient.start();
      await expect(impatient.invoke(impatient.lookup('mcp_docs_slow')!, {})).resolves.toEqual({ text: 'tool "slow" timed out after 300 ms', isError: true });
      await impatient.close();
      const gone = await startTestMcpServer();
      const goneCatalogue = catalogueFor([{ name: 'gone', url: gone.url, allow: ['^search$'] }]);
      await goneCatalogue.start();
      await gone.close();
      const unreachable = await goneCatalogue.invoke(goneCatalogue.lookup('mcp_gone_search')!, { query: 'x' });
      await goneCatalogue.close();
      expect(unreachable.isError).toBe(true);
      expect(unreachable.text).toMatch(/^tool "search" failed: /);
    } finally {
      await catalogue.close();
    }
  });

  it('a server that is down has no tools and does not fail start; its tools appear once it answers', async () => {
    const later = await startTestMcpServer();
    const port = later.port;
    await later.close();
    const refreshed: Array<[string, boolean]> = [];
    const catalogue = catalogueFor(
      [
        { name: 'docs', url: server.url, allow: ['^search$'] },
        { name: 'tickets', url: `http://127.0.0.1:${port}/mcp`, allow: ['^search$'] },
      ],
      { serverRefreshed: (name, up) => refreshed.push([name, up]) },
    );
    await catalogue.start();
    let back: TestMcpServer | undefined;
    try {
      expect(catalogue.tools().map((tool) => tool.name)).toEqual(['mcp_docs_search']);
      expect(refreshed).toEqual(expect.arrayContaining([['docs', true], ['tickets', false]]));
      back = await startTestMcpServer({ port });
      await catalogue.refresh();
      expect(catalogue.tools().map((tool) => tool.name)).toEqual(['mcp_docs_search', 'mcp_tickets_search']);
      expect(refreshed).toContainEqual(['tickets', true]);
    } finally {
      await catalogue.close();
      await back?.close();
    }
  });
});

describe('McpToolCatalogue with a server that keeps sessions', () => {
  it('survives the server restarting (its session gone): the tool list and the next call go through at once', async () => {
    let server = await startTestMcpServer({ sessions: true });
    const port = server.port;
    const refreshed: boolean[] = [];
    const catalogue = catalogueFor([{ name: 'docs', url: server.url, allow: ['^search$'] }], { serverRefreshed: (_name, up) => refreshed.push(up) });
    await catalogue.start();
    try {
      await expect(catalogue.invoke(catalogue.lookup('mcp_docs_search')!, { query: 'one' })).resolves.toEqual({ text: 'results for one', isError: false });
      await server.close();
      server = await startTestMcpServer({ sessions: true, port });
      await catalogue.refresh();
      expect(refreshed).toEqual([true, true]);
      await expect(catalogue.invoke(catalogue.lookup('mcp_docs_search')!, { query: 'two' })).resolves.toEqual({ text: 'results for two', isError: false });
      expect(server.calls.map((call) => call.arguments)).toEqual([{ query: 'two' }]);

      // Restarted again, and a tool call (not a refresh) is the first to notice: answered 404, run on a new session.
      await server.close();
      server = await startTestMcpServer({ sessions: true, port });
      await expect(catalogue.invoke(catalogue.lookup('mcp_docs_search')!, { query: 'three' })).resolves.toEqual({ text: 'results for three', isError: false });
      expect(server.calls.map((call) => call.arguments)).toEqual([{ query: 'three' }]);
    } finally {
      await catalogue.close();
      await server.close();
    }
  });
});

describe('injectedToolName', () => {
  it('is mcp_<server>_<tool> when that fits', () => {
    expect(injectedToolName('docs', 'search_pages')).toBe('mcp_docs_search_pages');
  });

  it('cleans other characters and cuts long names, with a stable hash suffix that keeps them apart', () => {
    const dotted = injectedToolName('docs', 'search.pages');
    expect(dotted).toMatch(/^mcp_docs_search_pages_[0-9a-f]{8}$/);
    expect(dotted).not.toBe(injectedToolName('docs', 'search_pages'));
    const long = injectedToolName('knowledge-base', 'x'.repeat(100));
    expect(long).toHaveLength(64);
    expect(long).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(long).toBe(injectedToolName('knowledge-base', 'x'.repeat(100)));
    expect(long).not.toBe(injectedToolName('knowledge-base', `${'x'.repeat(99)}y`));
  });
});
