/** Every admin mutation the admin API offers, as recorded in the audit log (docs/admin-audit.md). */
export const ADMIN_AUDIT_ACTIONS = [
  'user.create',
  'user.update',
  'token.issue',
  'token.revoke',
  'pool_key.enable',
  'team.create',
  'team.update',
  'team.delete',
  'team.member.add',
  'team.member.remove',
] as const;
export type AdminAuditAction = (typeof ADMIN_AUDIT_ACTIONS)[number];

/**
 * One admin mutation, recorded after it succeeded. `details` says what changed, in plain values and hints: never a
 * token or a key.
 */
export interface AdminAuditEntry {
  /** Who: the admin token's hint, e.g. `admin tg_a...oken`. */
  actor: string;
  action: AdminAuditAction;
  /** What it was done to: a user id, a token id, a team id, or `provider/position` for a pool key. */
  target: string;
  /** The request's `X-Request-Id` (or the one the gateway gave it). */
  requestId: string;
  details: Record<string, unknown>;
}

export interface AdminAuditRecord extends AdminAuditEntry {
  id: string;
  at: Date;
}

/** Which entries to list, newest first. Every field narrows the list; unset fields do not. */
export interface AdminAuditFilter {
  actor?: string;
  action?: AdminAuditAction;
  target?: string;
  /** At or after… */
  from?: Date;
  /** …and before (exclusive). */
  to?: Date;
  limit: number;
  /** The `next` of the previous page. */
  after?: string;
}

export interface AdminAuditPage {
  items: AdminAuditRecord[];
  /** Pass as `after` for the next page; absent on the last page. */
  next?: string;
}

/** The audit log of admin actions. The gateway depends on this port; `@tollgate/sql-stores` implements it in SQL. */
export interface AdminAuditLog {
  append(entry: AdminAuditEntry, at: Date): Promise<AdminAuditRecord>;
  list(filter: AdminAuditFilter): Promise<AdminAuditPage>;
}
