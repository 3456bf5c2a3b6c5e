import { Controller, Get, Query, UseFilters, UseGuards } from '@nestjs/common';
import type { AdminAuditLog } from '@tollgate/usage';
import { AdminTokenGuard } from '../auth/admin-token.guard';
import type { GatewayRuntime } from '@tollgate/gateway';
import { InjectGatewayRuntime } from '../composition.tokens';
import { ApiError, ApiErrorFilter, invalidRequest } from '../identity/api-error';
import type { AdminAuditListView } from './admin-audit-api.views';
import { adminAuditListQuerySchema } from './admin-audit-request.schemas';

/** Operators: who did what through the admin API, newest first. */
@Controller('admin/v1')
@UseGuards(AdminTokenGuard)
@UseFilters(ApiErrorFilter)
export class AdminAuditController {
  constructor(@InjectGatewayRuntime() private readonly runtime: GatewayRuntime) {}

  @Get('audit')
  async list(@Query() query: unknown): Promise<AdminAuditListView> {
    const request = adminAuditListQuerySchema.parse(query ?? {});
    const from = request.from ? new Date(request.from) : undefined;
    const to = request.to ? new Date(request.to) : undefined;
    if (from && to && from.getTime() >= to.getTime()) throw invalidRequest('from must be before to (to is exclusive)');
    const page = await requireAuditLog(this.runtime).list({ ...request, from, to });
    return { items: page.items.map((entry) => ({ ...entry, at: entry.at.toISOString() })), next: page.next ?? null };
  }
}

function requireAuditLog(runtime: GatewayRuntime): AdminAuditLog {
  if (!runtime.adminAudit.log) {
    throw new ApiError(503, 'audit_unavailable', 'the audit log is kept in the database: start the gateway with DATABASE_URL');
  }
  return runtime.adminAudit.log;
}
