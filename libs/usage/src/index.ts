export { DEFAULT_PRICES, DEFAULT_PRICES_DATE } from './default-prices';
export {
  createPriceTable,
  priceVersion,
  PriceTable,
  type Cost,
  type ModelPrice,
  type PriceEntryInput,
  type PriceSettings,
  type TokenCounts,
} from './price-table';
export {
  CREDENTIAL_KINDS,
  microsToUsd,
  USAGE_GROUP_BYS,
  usageTotals,
  utcMonthOf,
  type CredentialKind,
  type UsageGroupBy,
  type UsageQuery,
  type UsageRow,
  type UsageStore,
  type UsageTotals,
} from './usage.store';
export { BUDGET_PERIODS, periodWindowFromKey, periodWindowOf, secondsUntil, type BudgetPeriod, type PeriodWindow } from './budgets/budget-period';
export { estimateRequestCost, estimateRequestTokens, requestedMaxOutputTokens, type CostEstimate, type EstimateSettings } from './budgets/budget-estimate';
export { admits, type BudgetLedger, type BudgetOwner, type BudgetReservation, type ReserveResult, type SpendBaseline } from './budgets/budget.ledger';
export { MemoryBudgetLedger, type MemoryBudgetLedgerOptions } from './budgets/memory-budget.ledger';
export { spendBaselineFrom } from './budgets/budget-baseline';
export {
  fillActivity,
  INTERCEPTION_STATUSES,
  interceptionStatus,
  type ActivityBucket,
  type ActivityQuery,
  type InterceptionDetail,
  type InterceptionFilter,
  type InterceptionPage,
  type InterceptionStatus,
  type InterceptionStore,
  type InterceptionSummary,
  type InterceptionTotals,
  type PoolKeyUse,
  type TokenUsageRecord,
} from './interceptions/interception.store';
export {
  ADMIN_AUDIT_ACTIONS,
  type AdminAuditAction,
  type AdminAuditEntry,
  type AdminAuditFilter,
  type AdminAuditLog,
  type AdminAuditPage,
  type AdminAuditRecord,
} from './audit/admin-audit.log';
