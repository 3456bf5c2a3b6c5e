import type { ProviderErrorDetails } from './error-body';

/** The HTTP status Google's APIs answer with each google.rpc.Code name. */
const GOOGLE_STATUS_CODES: Readonly<Record<string, number>> = {
  INVALID_ARGUMENT: 400,
  FAILED_PRECONDITION: 400,
  OUT_OF_RANGE: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  ABORTED: 409,
  ALREADY_EXISTS: 409,
  RESOURCE_EXHAUSTED: 429,
  CANCELLED: 499,
  INTERNAL: 500,
  UNKNOWN: 500,
  DATA_LOSS: 500,
  UNIMPLEMENTED: 501,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
};

/** The google.rpc.Code name for a gateway error type: its own when it is one, `timeout` as a deadline, else INTERNAL. */
export function googleStatusOf(type: string): string {
  if (type in GOOGLE_STATUS_CODES) return type;
  return type === 'timeout' ? 'DEADLINE_EXCEEDED' : 'INTERNAL';
}

/** The error object of Google's APIs; `code` is the HTTP status answered (Google's own when none is given). */
export function googleError(error: ProviderErrorDetails): { code: number; message: string; status: string } {
  const status = googleStatusOf(error.type);
  return { code: error.status ?? GOOGLE_STATUS_CODES[status], message: error.message, status };
}

/** `{"error":{"code","message","status"}}`, as Google's APIs (and so the Gemini SDKs) expect an error. */
export function googleErrorBody(error: ProviderErrorDetails): string {
  return JSON.stringify({ error: googleError(error) });
}
