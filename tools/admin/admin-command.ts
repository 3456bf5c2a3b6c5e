import { BYOK_MODES, type ByokMode } from '@tollgate/byok';
import type { GatewayClient } from './gateway-api.client';
import type { Output } from './output.formatter';

/** How the help and messages spell the CLI's invocation. */
export const PROGRAM = 'npm run admin --';

/** Which token a command sends: an admin token, the caller's own gateway token, or none (it makes no request). */
export type Credential = 'admin' | 'user' | 'none';

export interface ArgumentSpec {
  name: string;
  /** Shown in the usage line instead of `<name>`, e.g. `<disabled|prefer|require|default>`. */
  display?: string;
}

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** Placeholder of a string option's value in the usage line. */
  value?: string;
  description: string;
}

export interface CommandContext {
  args: Readonly<Record<string, string>>;
  options: Readonly<Record<string, string | boolean | undefined>>;
  api: GatewayClient;
  out: Output;
  /** The whole of stdin (a hidden prompt on a terminal). */
  readStdin(): Promise<string>;
  /** Keeps a value the command handles (a provider key) out of everything printed. */
  redact(secret: string): void;
}

export interface AdminCommand {
  words: readonly string[];
  args: readonly ArgumentSpec[];
  options: Readonly<Record<string, OptionSpec>>;
  credential: Credential;
  summary: string;
  /** Extra help lines. */
  details?: readonly string[];
  /** Whole command lines. */
  examples: readonly string[];
  run(context: CommandContext): Promise<void>;
}

/** A mistake in the command line: exit code 2, nothing sent. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    /** The command whose usage to show under the message. */
    readonly command?: AdminCommand,
  ) {
    super(message);
  }
}

/** The mode words the CLI takes: the BYOK modes, and `default` to clear the user's own (the gateway's `byok.mode` applies). */
export const MODE_WORDS: readonly string[] = [...BYOK_MODES, 'default'];

export function parseModeWord(value: string, what: string): ByokMode | null {
  if (!MODE_WORDS.includes(value)) throw new UsageError(`${what} must be one of ${MODE_WORDS.join(', ')}`);
  return value === 'default' ? null : (value as ByokMode);
}

export function stringOption(context: CommandContext, name: string): string | undefined {
  const value = context.options[name];
  return typeof value === 'string' ? value : undefined;
}

export function flagOption(context: CommandContext, name: string): boolean {
  return context.options[name] === true;
}

/** A whole number in [min, max] from an option or argument, else a usage error naming it. */
export function parseInteger(value: string, what: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const parsed = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
    throw new UsageError(`${what} must be a whole number from ${min}${max === Number.MAX_SAFE_INTEGER ? ' up' : ` to ${max}`}`);
  }
  return parsed;
}
