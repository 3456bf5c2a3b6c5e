import type { AdminAuditAction } from '@tollgate/usage';

/** One audit entry as the admin API answers it. */
export interface AdminAuditEntryView {
  id: string;
  at: string;
  actor: string;
  action: AdminAuditAction;
  target: string;
  requestId: string;
  details: Record<string, unknown>;
}

export interface AdminAuditListView {
  items: AdminAuditEntryView[];
  next: string | null;
}
