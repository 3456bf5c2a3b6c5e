import { type AdminCommand, PROGRAM } from './admin-command';
import type { McpServerView } from './gateway-api.types';
import { table } from './output.formatter';

export const MCP_COMMANDS: readonly AdminCommand[] = [
  {
    words: ['mcp', 'servers'],
    args: [],
    options: {},
    credential: 'admin',
    summary: 'Show the MCP servers: whether they answer, when last listed, and the tools injected from each',
    examples: [`${PROGRAM} mcp servers`, `${PROGRAM} mcp servers --json`],
    async run(context) {
      const answer = await context.api.request<{ servers: McpServerView[] }>('GET', '/admin/v1/mcp/servers');
      context.out.result(answer, () =>
        table(
          answer.servers,
          [
            ['server', (server) => server.name],
            ['state', (server) => (server.up === undefined ? 'not listed yet' : server.up ? 'up' : 'down')],
            ['last refresh', (server) => server.lastRefreshAt],
            ['tools', (server) => server.tools.map((tool) => tool.name).join(', ') || (server.lastError ? `none (${server.lastError})` : 'none')],
          ],
          'no MCP servers configured (mcp.servers in the configuration)',
        ),
      );
    },
  },
];
