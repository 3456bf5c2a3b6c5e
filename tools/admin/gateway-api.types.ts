// The admin and self-service APIs' answers as they arrive over the wire (docs/admin-cli.md lists the routes).

import type { ByokMode } from '@tollgate/byok';
import type { AdminAuditEntryView, KeyView, TeamView, TokenView, UsageRowView, UsageView, UserView } from '@tollgate/gateway';
import type { LeveledModelPolicy, LimitKind, LimitScope, LimitSet, ModelPolicy } from '@tollgate/limits';

export type { LimitSet, ModelPolicy, TeamView, TokenView, UsageRowView, UsageView, UserView };
export type AuditEntryView = AdminAuditEntryView;
export type ByokModeValue = ByokMode;
export type StoredKeyView = KeyView;

export type BudgetView = NonNullable<UserView['budget']>;

/** `GET /v1/me/limits`: each of the caller's own limits with what is left of it, and the model policies they pass. */
export interface MyLimitsView {
  items: Array<{ scope: LimitScope; id: string; kind: LimitKind; limit: number; remaining: number; resetsAt: string | null }>;
  models: LeveledModelPolicy[];
}

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
