import { isJsonObject, type JsonObject } from '../json-value';

/**
 * Adds provider usage objects field by field: numbers are summed at every depth (`input_tokens`,
 * `prompt_tokens_details.cached_tokens`, …); any other value is taken from the last object that has it.
 */
export function sumUsage(usages: readonly JsonObject[]): JsonObject {
  const total: JsonObject = {};
  for (const usage of usages) addInto(total, usage);
  return total;
}

function addInto(total: JsonObject, usage: JsonObject): void {
  for (const [field, value] of Object.entries(usage)) {
    const current = total[field];
    if (typeof value === 'number') total[field] = (typeof current === 'number' ? current : 0) + value;
    else if (isJsonObject(value)) {
      const nested = isJsonObject(current) ? current : {};
      addInto(nested, value);
      total[field] = nested;
    } else if (value !== null || current === undefined) total[field] = value;
  }
}
