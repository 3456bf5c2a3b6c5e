import { isJsonObject, stringField } from '../json-value';

/** `{type, message}` from a provider error object (`{type?, code?, message?}`) or bare string; else `undefined`. */
export function readUpstreamError(value: unknown, fallbackType: string): { type: string; message: string } | undefined {
  if (typeof value === 'string') return { type: fallbackType, message: value };
  if (!isJsonObject(value)) return undefined;
  return {
    type: stringField(value.type) ?? stringField(value.code) ?? fallbackType,
    message: stringField(value.message) ?? '',
  };
}
