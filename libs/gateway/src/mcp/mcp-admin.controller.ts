import { Controller, Get, Inject, UseGuards } from '@nestjs/common';
import { AdminTokenGuard } from '../auth/admin-token.guard';
import { GatewayRuntime } from '../gateway-runtime';
import type { McpServerStatus } from './mcp-tool.catalogue';

/** Operators: which MCP servers answer and which of their tools every request gets (docs/mcp.md). */
@Controller('admin/v1/mcp')
@UseGuards(AdminTokenGuard)
export class McpAdminController {
  constructor(@Inject(GatewayRuntime) private readonly runtime: GatewayRuntime) {}

  @Get('servers')
  servers(): { servers: McpServerStatus[] } {
    return { servers: this.runtime.mcpTools.status() };
  }
}
