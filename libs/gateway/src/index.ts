export * from './gateway.app';
export * from './gateway-runtime';
export { BullmqBatchClient, RedisTransportProbe, type BullmqBatchClientOptions, type RedisTransportProbeOptions } from '@tollgate/request-path';
export * from './config';
// What entry points, tools and tests use from the libraries below, so that they import the composition root only.
export type { EndpointGuard, PinnedEndpoint } from '@tollgate/request-path';
export { createUserEndpoints } from '@tollgate/operator-api';
export type { KeyView, MeView, TeamView, TokenView, UserView } from '@tollgate/operator-api';
export { RedisDirectoryNotifier, type RedisDirectoryNotifierOptions } from '@tollgate/operator-api';
export type { UsageRowView, UsageTotalsView, UsageView } from '@tollgate/operator-api';
export { RedisBudgetLedger, type RedisBudgetLedgerOptions } from '@tollgate/request-path';
export { RedisRateLimiter, type RedisRateLimiterOptions } from '@tollgate/limits';
export type { StoredObjectOwners } from '@tollgate/request-path';
export { RedisStoredObjectOwners, type RedisStoredObjectOwnersOptions } from '@tollgate/request-path';
export { OPENAPI_DOCUMENT } from '@tollgate/operator-api';
export type { ActivityView, InterceptionDetailView, InterceptionListView, InterceptionView } from '@tollgate/operator-api';
export type { KeyPoolsView } from '@tollgate/operator-api';
export type { AdminAuditEntryView, AdminAuditListView } from '@tollgate/operator-api';
