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
  microsToUsd,
  USAGE_GROUP_BYS,
  usageTotals,
  utcMonthOf,
  type UsageGroupBy,
  type UsageQuery,
  type UsageRow,
  type UsageStore,
  type UsageTotals,
} from './usage.store';
