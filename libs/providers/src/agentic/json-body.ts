import { isJsonObject, type JsonObject } from '../json-value';

// Node ≥ 21; not yet in TypeScript's lib.
const rawJson = (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON;

/**
 * Parses a request body so that re-serialising it keeps every number's original text (a big `seed` is not
 * rounded). Undefined when the body is not a JSON object.
 */
export function parseKeepingNumbers(body: Buffer): JsonObject | undefined {
  const keepNumberText = (_key: string, value: unknown, context?: { source?: string }): unknown =>
    typeof value === 'number' && context?.source !== undefined ? rawJson(context.source) : value;
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'), keepNumberText);
    return isJsonObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}
