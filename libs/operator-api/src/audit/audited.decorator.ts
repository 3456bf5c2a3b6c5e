import { applyDecorators, SetMetadata, UseInterceptors } from '@nestjs/common';
import type { AdminAuditAction } from '@tollgate/usage';
import { AdminAuditInterceptor } from './admin-audit.interceptor';
import { AUDITED_ROUTE, type AuditedCall, type AuditedChange, type AuditedRoute } from './audited-route';

/** Marks an admin mutation: once it succeeds, one audit entry is written (docs/admin-audit.md). */
export function Audited<Result>(action: AdminAuditAction, describe: (call: AuditedCall<Result>) => AuditedChange): MethodDecorator {
  return applyDecorators(SetMetadata(AUDITED_ROUTE, { action, describe } as AuditedRoute), UseInterceptors(AdminAuditInterceptor));
}
