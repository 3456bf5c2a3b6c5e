import type { TollgateConfig } from '@tollgate/platform';

/** Sections a running gateway cannot swap; a reload that changes them logs that a restart is needed. */
const RESTART_ONLY_SECTIONS = [
  'server',
  'keyPool',
  'recording',
  'circuitBreaker',
  'byok',
  'identity',
  'redisUrl',
  'databaseUrl',
  'dataDir',
  'logging',
  'prices',
  'budgets',
  'console',
  'mcp',
  'storedObjects',
  'limits',
] as const satisfies ReadonlyArray<keyof TollgateConfig>;

/** Settings inside the sections above that a reload does apply live. */
const APPLIED_LIVE = new Set(['byok.mode', 'limits.default', 'limits.byok']);

/**
 * The settings that differ between two configurations but take effect only after a restart, named as in the file
 * (`byok.allowHttpHosts`, `identity.pollInterval`, `redisUrl`), one level below the section at most.
 */
export function restartOnlyChanges(current: TollgateConfig, next: TollgateConfig): string[] {
  const changed: string[] = [];
  for (const section of RESTART_ONLY_SECTIONS) {
    const before: unknown = current[section];
    const after: unknown = next[section];
    if (isRecord(before) && isRecord(after)) {
      const fields = new Set([...Object.keys(before), ...Object.keys(after)]);
      for (const field of fields) {
        const setting = `${section}.${field}`;
        if (!APPLIED_LIVE.has(setting) && !sameValue(before[field], after[field])) changed.push(fileName(setting));
      }
    } else if (!sameValue(before, after)) {
      changed.push(section);
    }
  }
  return changed;
}

/** The configuration object stores durations in milliseconds (`pollIntervalMs`); the file names them without the unit. */
function fileName(setting: string): string {
  return setting.replace(/Ms$/, '');
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
