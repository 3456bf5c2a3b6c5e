const SECRET_FIELD = /key|token|secret|password|authorization|cookie|credential/i;
const ALLOWED_FIELD = /hint$|^keyPosition$|^position$|^credentialKind$|^kind$/i;
export const REDACTED = '[redacted]';

function isSecretField(name: string): boolean {
  return SECRET_FIELD.test(name) && !ALLOWED_FIELD.test(name);
}

/**
 * Returns a copy of a log payload with every credential-looking field (authorization, x-api-key,
 * x-tollgate-token, anything named *key*, *token*, *secret*) replaced. Hints (`keyHint`, `credentialHint`) stay.
 */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return value;
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item, depth + 1));
  const copy: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(value)) {
    copy[name] = isSecretField(name) && field !== undefined && field !== null && field !== '' ? REDACTED : redactSecrets(field, depth + 1);
  }
  return copy;
}
