// The admin and self-service APIs' answers as they arrive over the wire (docs/admin-cli.md lists the routes).

import type { ByokMode } from '@tollgate/byok';
import type { AdminAuditEntryView, KeyView, TeamView, TokenView, UsageRowView, UsageView, UserView } from '@tollgate/gateway';

export type { TeamView, TokenView, UsageRowView, UsageView, UserView };
export type AuditEntryView = AdminAuditEntryView;
export type ByokModeValue = ByokMode;
export type StoredKeyView = KeyView;

export interface IssuedTokenView extends TokenView {
  token: string;
}

export interface PoolKeyView {
  position: number;
  hint: string;
  state: string;
  reason?: string;
  until?: string;
}

export interface McpServerView {
  name: string;
  url: string;
  up?: boolean;
  lastRefreshAt?: string;
  lastError?: string;
  tools: Array<{ name: string; serverToolName: string; description: string }>;
}

export interface Page<T> {
  items: T[];
  next?: string;
}
