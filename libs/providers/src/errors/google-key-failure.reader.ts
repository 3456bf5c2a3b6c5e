import { arrayField, isJsonObject, parseJsonObject } from '../json-value';
import type { KeyFailure } from '../description/provider-description';

const RETRY_INFO_TYPE = 'type.googleapis.com/google.rpc.RetryInfo';
const ERROR_INFO_TYPE = 'type.googleapis.com/google.rpc.ErrorInfo';
/** A protobuf Duration in JSON: seconds with up to nine decimals, then `s` (`37s`, `1.5s`). */
const DURATION = /^(\d{1,9})(\.\d{1,9})?s$/;

/**
 * How the key pool should take a Gemini error answer: a 400 whose `ErrorInfo` says `API_KEY_INVALID` is the key
 * being refused (401: disabled, next key), a 429's `RetryInfo.retryDelay` is its cooldown. Anything else keeps
 * its status.
 */
export function readGeminiKeyFailure(status: number, body: Buffer): KeyFailure {
  const error = parseJsonObject(body.toString('utf8'))?.error;
  if (!isJsonObject(error)) return { status };
  const details = arrayField(error.details);
  if (status === 400) {
    const invalidKey = details.some((detail) => isJsonObject(detail) && detail['@type'] === ERROR_INFO_TYPE && detail.reason === 'API_KEY_INVALID');
    return { status: invalidKey ? 401 : 400 };
  }
  if (status === 429) {
    for (const detail of details) {
      if (!isJsonObject(detail) || detail['@type'] !== RETRY_INFO_TYPE || typeof detail.retryDelay !== 'string') continue;
      const delayMs = durationMs(detail.retryDelay);
      if (delayMs !== undefined && delayMs > 0) return { status, retryAfterMs: delayMs };
    }
  }
  return { status };
}

function durationMs(duration: string): number | undefined {
  const match = DURATION.exec(duration.trim());
  return match ? Number(match[1] + (match[2] ?? '')) * 1000 : undefined;
}
