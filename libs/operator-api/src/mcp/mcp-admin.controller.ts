import { Controller, Get, Inject, UseGuards } from '@nestjs/common';
import { AdminTokenGuard } from '../auth/admin-token.guard';
import { McpToolCatalogue, type McpServerStatus } from '@tollgate/request-path';

/** Operators: which MCP servers answer and which of their tools every request gets (docs/mcp.md). */
@Controller('admin/v1/mcp')
@UseGuards(AdminTokenGuard)
export class McpAdminController {
  constructor(@Inject(McpToolCatalogue) private readonly catalogue: McpToolCatalogue) {}

  @Get('servers')
  servers(): { servers: McpServerStatus[] } {
    return { servers: this.catalogue.status() };
  }
}
