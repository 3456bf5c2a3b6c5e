import type { AdminCommand, OptionSpec } from './admin-command';
import { AUDIT_COMMANDS } from './audit.commands';
import { KEK_COMMANDS } from './kek.commands';
import { KEY_POOL_COMMANDS } from './key-pool.commands';
import { MCP_COMMANDS } from './mcp.commands';
import { SELF_SERVICE_COMMANDS } from './self-service.commands';
import { TEAM_COMMANDS } from './team.commands';
import { USAGE_COMMANDS } from './usage.commands';
import { USER_ADMIN_COMMANDS } from './user-admin.commands';

export const DEFAULT_GATEWAY_URL = 'http://127.0.0.1:8080';

/** Accepted by every command (--url and --token are ignored by the offline ones). */
export const GLOBAL_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  url: { type: 'string', value: 'url', description: `gateway URL (default: $TOLLGATE_URL, else ${DEFAULT_GATEWAY_URL})` },
  token: { type: 'string', value: 'token', description: 'the token to send (default: $TOLLGATE_ADMIN_TOKEN for admin commands, $TOLLGATE_TOKEN for "me")' },
  json: { type: 'boolean', description: "print the API's JSON answer instead of a table" },
  help: { type: 'boolean', short: 'h', description: 'show help' },
};

export const ADMIN_COMMANDS: readonly AdminCommand[] = [...USER_ADMIN_COMMANDS, ...TEAM_COMMANDS, ...KEY_POOL_COMMANDS, ...MCP_COMMANDS, ...USAGE_COMMANDS, ...AUDIT_COMMANDS, ...SELF_SERVICE_COMMANDS, ...KEK_COMMANDS];

/** The first word of every command (`users`, `tokens`, `me`…), in table order. */
export function commandGroups(commands: readonly AdminCommand[]): string[] {
  return [...new Set(commands.map((command) => command.words[0]))];
}

/**
 * Every option any command takes, merged with the global ones. The first parsing pass uses it to find the command
 * words; an option name has one type everywhere, or the pass could not tell values from positionals.
 */
export function allOptions(commands: readonly AdminCommand[]): Record<string, OptionSpec> {
  const merged: Record<string, OptionSpec> = { ...GLOBAL_OPTIONS };
  for (const command of commands) {
    for (const [name, option] of Object.entries(command.options)) {
      const existing = merged[name];
      if (existing && existing.type !== option.type) throw new Error(`option --${name} is a ${existing.type} in one command and a ${option.type} in another`);
      merged[name] = existing ?? option;
    }
  }
  return merged;
}
