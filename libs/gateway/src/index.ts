export * from './gateway.app';
export * from './gateway-runtime';
export * from './recording';
export * from './config';
export type { EndpointGuard, PinnedEndpoint } from './identity/user-endpoint.guard';
export { createUserEndpoints } from './identity/identity.factory';
export type { KeyView, MeView, TokenView, UserView } from './identity/identity-api.views';
export type { UsageRowView, UsageTotalsView, UsageView } from './usage/usage-api.views';
export { RedisBudgetLedger, type RedisBudgetLedgerOptions } from './budget/redis-budget.ledger';
