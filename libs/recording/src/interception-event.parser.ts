import type { z } from 'zod';
import { interceptionEventSchemas, type InterceptionEvent, type InterceptionEventName } from './interception-event.schema';

/** A payload that is not a valid interception event. Retrying it cannot help. */
export class InvalidInterceptionEventError extends Error {
  override readonly name = 'InvalidInterceptionEventError';
  constructor(
    message: string,
    readonly problems: string[] = [],
  ) {
    super(problems.length === 0 ? message : `${message}: ${problems.join('; ')}`);
  }
}

/**
 * Validates an untrusted payload (a queue job's data) against the contract and returns the typed event.
 * Throws InvalidInterceptionEventError naming the event, the version and each bad field (never a field's value).
 */
export function parseInterceptionEvent(raw: unknown): InterceptionEvent {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new InvalidInterceptionEventError('interception event must be an object');
  }
  const { name, schemaVersion } = raw as { name?: unknown; schemaVersion?: unknown };
  if (typeof name !== 'string' || !Object.hasOwn(interceptionEventSchemas, name)) {
    throw new InvalidInterceptionEventError(`unknown interception event name ${JSON.stringify(name)}`);
  }
  const versions: Record<number, z.ZodType<InterceptionEvent>> = interceptionEventSchemas[name as InterceptionEventName];
  const schema = typeof schemaVersion === 'number' ? versions[schemaVersion] : undefined;
  if (!schema) {
    throw new InvalidInterceptionEventError(
      `unsupported schemaVersion ${JSON.stringify(schemaVersion)} for ${name} (supported: ${Object.keys(versions).join(', ')})`,
    );
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new InvalidInterceptionEventError(`invalid ${name} v${schemaVersion}`, parsed.error.issues.map(describeIssue));
  }
  return parsed.data;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map((segment) => (typeof segment === 'number' ? `[${segment}]` : `.${String(segment)}`)).join('');
  return `${path.replace(/^\./, '') || '(root)'}: ${issue.message}`;
}
