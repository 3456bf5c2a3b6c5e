// A field is secret when its name *ends* in a credential word: `key`, `apiKey`, `x-api-key`, `api_key`, `keys`,
// `token`, `gatewayToken`, `x-tollgate-token`, `secret`, `authorization`, … — but not `keyState` or `keyHint`.
const SECRET_WORD = /(^|[-_])(api-?key|key|keys|token|tokens|secret|secrets|password|authorization|cookie|credential|credentials)$/i;
const CAMEL_CASE_SECRET = /[a-z0-9](Key|Keys|Token|Tokens|Secret|Password|Credential|Credentials)$/;
export const REDACTED = '[redacted]';

function isSecretField(name: string): boolean {
  return SECRET_WORD.test(name) || CAMEL_CASE_SECRET.test(name);
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
