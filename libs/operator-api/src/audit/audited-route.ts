import type { AdminAuditAction } from '@tollgate/usage';

/** What a successful admin call changed: its target and details (hints and plain values only, never a secret). */
export interface AuditedChange {
  target: string;
  details: Record<string, unknown>;
}

/** The call an audit entry is described from: route parameters, the (already validated) body and the answer. */
export interface AuditedCall<Result> {
  params: Record<string, string>;
  body: unknown;
  result: Result;
}

export interface AuditedRoute {
  action: AdminAuditAction;
  describe: (call: AuditedCall<never>) => AuditedChange;
}

export const AUDITED_ROUTE = Symbol('tollgate.audited-route');

