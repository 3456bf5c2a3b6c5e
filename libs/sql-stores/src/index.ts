export { PgPoolSqlClient, type PgPoolOptions } from './pg-pool.sql-client';
export { PostgresIdentityStore, type PostgresIdentityStoreOptions } from './identity/postgres-identity.store';
export { InvalidPageCursorError } from './identity/page-cursor';
export { PostgresUsageStore } from './usage/postgres-usage.store';
export { PostgresInterceptionStore } from './interceptions/postgres-interception.store';
export { PostgresAdminAuditLog } from './audit/postgres-admin-audit.log';
