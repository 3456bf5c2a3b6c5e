import { unwrap } from '../api/api-client';
import { useConsole } from '../api/api-context';
import { Badge } from '../components/badges';
import { formatAgo, formatDateTime } from '../components/format';
import { Empty, ErrorState, Loading } from '../components/states';
import { useLoad, useNow } from '../components/use-load';

/** The MCP servers attached to the gateway, and the tools every request gets from them (docs/mcp.md). */
export function McpToolsPage() {
  const { api } = useConsole();
  const servers = useLoad(() => unwrap(api.GET('/admin/v1/mcp/servers')), [], 10_000);
  const now = useNow(5_000);

  return (
    <>
      <div className="page-header">
        <h1>MCP tools</h1>
        <button type="button" className="button-secondary" onClick={servers.reload}>
          Refresh
        </button>
      </div>
      <p className="lead">
        Tools of the MCP servers attached to the gateway. Every request gets them, and the gateway runs the calls itself; a server that does not
        answer keeps no tools until its next refresh. Updates every 10 seconds.
      </p>
      {servers.error && <ErrorState error={servers.error} what="the MCP servers" onRetry={servers.reload} />}
      {!servers.data && !servers.error && <Loading what="the MCP servers" />}
      {servers.data && servers.data.servers.length === 0 && (
        <Empty title="No MCP servers are attached.">
          <p>
            Attach one under <code>mcp.servers</code> in <code>tollgate.yaml</code> (a name and its streamable HTTP URL), then restart the gateway.
          </p>
        </Empty>
      )}
      {servers.data?.servers.map((server) => (
        <section key={server.name} className="card" aria-labelledby={`mcp-${server.name}`}>
          <h2 id={`mcp-${server.name}`}>
            {server.name} <span className="muted">({server.url})</span>
          </h2>
          <p>
            <Badge value={server.up === undefined ? 'pending' : server.up ? 'up' : 'down'} />{' '}
            {server.lastRefreshAt ? (
              <>
                {server.up ? 'tools listed' : 'last tried'}{' '}
                <time dateTime={server.lastRefreshAt} title={formatDateTime(server.lastRefreshAt)}>
                  {formatAgo(server.lastRefreshAt, now)}
                </time>
              </>
            ) : (
              'not listed yet'
            )}
            {server.lastError && <> — {server.lastError}</>}
          </p>
          {server.tools.length === 0 ? (
            <p>{server.up ? 'The server lists no tool that the allow and deny filters let through.' : 'No tools while the server does not answer.'}</p>
          ) : (
            <div className="table-scroll" tabIndex={0} role="region" aria-label={`${server.name} tools`}>
              <table>
                <thead>
                  <tr>
                    <th scope="col">Name the model sees</th>
                    <th scope="col">Tool on the server</th>
                    <th scope="col">Description</th>
                  </tr>
                </thead>
                <tbody>
                  {server.tools.map((tool) => (
                    <tr key={tool.name}>
                      <td>
                        <code>{tool.name}</code>
                      </td>
                      <td>{tool.serverToolName}</td>
                      <td>{tool.description}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      ))}
    </>
  );
}
