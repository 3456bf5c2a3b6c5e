import { Controller, Get, UseGuards } from '@nestjs/common';
import { AdminTokenGuard } from '../auth/admin-token.guard';
import type { GatewayRuntime } from '@tollgate/gateway';
import { InjectGatewayRuntime } from '../composition.tokens';
import type { McpServerStatus } from '@tollgate/request-path';

/** Operators: which MCP servers answer and which of their tools every request gets (docs/mcp.md). */
@Controller('admin/v1/mcp')
@UseGuards(AdminTokenGuard)
export class McpAdminController {
  constructor(@InjectGatewayRuntime() private readonly runtime: GatewayRuntime) {}

  @Get('servers')
  servers(): { servers: McpServerStatus[] } {
    return { servers: this.runtime.mcpTools.status() };
  }
}
