import type { LimitSet, ModelPolicy } from '@tollgate/limits';
import { type CommandContext, type OptionSpec, parseInteger, stringOption, UsageError } from './admin-command';

// The options that set a limit set or a model policy (docs/limits.md), shared by users, teams and tokens.

const LIMIT_FLAGS = { rpm: 'requestsPerMinute', tpm: 'tokensPerMinute', concurrent: 'concurrent' } as const satisfies Record<string, keyof LimitSet>;
const LIMIT_FIELDS: readonly string[] = Object.values(LIMIT_FLAGS);
const POLICY_FIELDS: readonly string[] = ['allow', 'deny'];

export const LIMIT_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  rpm: { type: 'string', value: 'n', description: 'requests per minute (a bucket of n, refilled at n per minute)' },
  tpm: { type: 'string', value: 'n', description: 'tokens per minute, input + output' },
  concurrent: { type: 'string', value: 'n', description: 'requests in flight at once (a stream counts until it ends)' },
  limits: { type: 'string', value: 'json', description: 'the whole limit set as JSON instead, e.g. \'{"requestsPerMinute":60}\'' },
};

export const MODEL_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  allow: { type: 'string', value: 'patterns', description: 'comma-separated model patterns that may be used (provider/model or model, * wildcard)' },
  deny: { type: 'string', value: 'patterns', description: 'comma-separated model patterns that may not be used (deny wins)' },
  models: { type: 'string', value: 'json', description: 'the whole policy as JSON instead, e.g. \'{"allow":["gpt-4o*"]}\'' },
};

export const LIMIT_DETAILS = [
  'Every applicable limit set must admit a request: the user\'s own (else limits.default), each team\'s, the token\'s.',
];

export const MODEL_DETAILS = [
  'Patterns match provider/model or model, case-sensitive, * matches anything; deny wins; no allow list allows all.',
];

/** The limit set the options give, or undefined when none of them is given. */
export function limitSetOption(context: CommandContext): LimitSet | undefined {
  const json = stringOption(context, 'limits');
  const flags = Object.entries(LIMIT_FLAGS).filter(([flag]) => stringOption(context, flag) !== undefined);
  if (json !== undefined) {
    if (flags.length > 0) throw new UsageError(`--limits takes the whole set: leave out ${flags.map(([flag]) => `--${flag}`).join(', ')}`);
    return parseLimitSetJson(json);
  }
  if (flags.length === 0) return undefined;
  return Object.fromEntries(flags.map(([flag, field]) => [field, parseInteger(stringOption(context, flag)!, `--${flag}`, 1)]));
}

/** The model policy the options give, or undefined when none of them is given. */
export function modelPolicyOption(context: CommandContext): ModelPolicy | undefined {
  const json = stringOption(context, 'models');
  const allow = stringOption(context, 'allow');
  const deny = stringOption(context, 'deny');
  if (json !== undefined) {
    if (allow !== undefined || deny !== undefined) throw new UsageError('--models takes the whole policy: leave out --allow and --deny');
    return parseModelPolicyJson(json);
  }
  if (allow === undefined && deny === undefined) return undefined;
  return { ...(allow === undefined ? {} : { allow: patternList(allow, '--allow') }), ...(deny === undefined ? {} : { deny: patternList(deny, '--deny') }) };
}

function parseLimitSetJson(text: string): LimitSet {
  const value = parseJsonObject(text, '--limits');
  for (const [field, number] of Object.entries(value)) {
    if (!LIMIT_FIELDS.includes(field)) throw new UsageError(`--limits: unknown field "${field}" (use ${LIMIT_FIELDS.join(', ')})`);
    if (!Number.isSafeInteger(number) || (number as number) < 1) throw new UsageError(`--limits: ${field} must be a whole number from 1 up`);
  }
  if (Object.keys(value).length === 0) throw new UsageError('--limits: give at least one of ' + LIMIT_FIELDS.join(', '));
  return value as LimitSet;
}

function parseModelPolicyJson(text: string): ModelPolicy {
  const value = parseJsonObject(text, '--models');
  for (const [field, list] of Object.entries(value)) {
    if (!POLICY_FIELDS.includes(field)) throw new UsageError(`--models: unknown field "${field}" (use allow, deny)`);
    if (!Array.isArray(list) || list.some((pattern) => typeof pattern !== 'string' || pattern.trim() === '')) {
      throw new UsageError(`--models: ${field} must be a list of non-empty patterns`);
    }
  }
  return value as ModelPolicy;
}

function parseJsonObject(text: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UsageError(`${what} is not valid JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UsageError(`${what} must be a JSON object`);
  return value as Record<string, unknown>;
}

function patternList(text: string, what: string): string[] {
  const patterns = text.split(',').map((pattern) => pattern.trim());
  if (patterns.some((pattern) => pattern === '')) throw new UsageError(`${what} holds an empty pattern: give patterns separated by commas, e.g. gpt-4o*,anthropic/*`);
  return patterns;
}

/** `2027-01-01T00:00:00Z` (a zone is required) → the ISO string sent; else a usage error. */
export function parseInstant(text: string, what: string): string {
  const withZone = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.test(text);
  const time = Date.parse(text);
  if (!withZone || Number.isNaN(time)) throw new UsageError(`${what} must be an ISO 8601 date-time with a zone, e.g. 2027-01-01T00:00:00Z`);
  return new Date(time).toISOString();
}
