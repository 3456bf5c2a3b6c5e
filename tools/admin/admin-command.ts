import type { GatewayClient } from './gateway-api.client';
import type { Output } from './output.formatter';

/** Which token a command sends: an admin token, the caller's own gateway token, or none (it makes no request). */
export type Credential = 'admin' | 'user' | 'none';

export interface ArgumentSpec {
  name: string;
  /** Shown in the usage line instead of `<name>`, e.g. `<disabled|prefer|require|default>`. */
  display?: string;
}

export interface OptionSpec {
  type: 'string' | 'boolean';
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
  /** Extra help paragraphs. */
  details?: readonly string[];
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

export const BYOK_MODE_WORDS = ['disabled', 'prefer', 'require', 'default'] as const;
export type ByokModeWord = (typeof BYOK_MODE_WORDS)[number];

/** `default` clears the user's own mode, so the gateway's `byok.mode` applies. */
export function parseModeWord(value: string, what: string): 'disabled' | 'prefer' | 'require' | null {
  if (!(BYOK_MODE_WORDS as readonly string[]).includes(value)) {
    throw new UsageError(`${what} must be one of ${BYOK_MODE_WORDS.join(', ')}, got "${value}"`);
  }
  return value === 'default' ? null : (value as 'disabled' | 'prefer' | 'require');
}
