import { PROGRAM, type AdminCommand, type OptionSpec } from './admin-command';
import { GLOBAL_OPTIONS } from './command.table';

const TOKEN_DEFAULTS = {
  admin: 'an admin token (default: $TOLLGATE_ADMIN_TOKEN)',
  user: 'your gateway token, tg_… (default: $TOLLGATE_TOKEN)',
} as const;

export function usageLine(command: AdminCommand): string {
  const args = command.args.map((arg) => `<${arg.display ?? arg.name}>`);
  const options = Object.entries(command.options).map(([name, option]) => `[${optionUsage(name, option)}]`);
  return [...command.words, ...args, ...options].join(' ');
}

export function topLevelHelp(commands: readonly AdminCommand[]): string[] {
  return [
    "Tollgate admin: users, teams, gateway tokens, stored keys and key pools, over the gateway's HTTP API.",
    '',
    `usage: ${PROGRAM} <command> [options]`,
    '',
    'Commands:',
    ...commandList(commands),
    '',
    'Global options:',
    ...optionLines(Object.entries(GLOBAL_OPTIONS)),
    '',
    'Exit codes: 0 ok, 1 the request failed (an API error, or the gateway could not be reached), 2 usage error.',
    `Run "${PROGRAM} <command> --help" for a command's options and examples.`,
  ];
}

export function groupHelp(group: string, commands: readonly AdminCommand[]): string[] {
  return [
    `usage: ${PROGRAM} ${group} <command> [options]`,
    '',
    'Commands:',
    ...commandList(commands.filter((command) => command.words[0] === group)),
    '',
    `Run "${PROGRAM} ${group} <command> --help" for a command's options and examples.`,
  ];
}

export function commandHelp(command: AdminCommand): string[] {
  const options = Object.entries(command.options);
  return [
    `usage: ${PROGRAM} ${usageLine(command)}`,
    '',
    `${command.summary}.`,
    ...(command.details ?? []),
    ...(options.length === 0 ? [] : ['', 'Options:', ...optionLines(options)]),
    '',
    'Global options:',
    ...optionLines(globalOptionsFor(command)),
    '',
    command.examples.length === 1 ? 'Example:' : 'Examples:',
    ...command.examples.map((example) => `  ${example}`),
  ];
}

function commandList(commands: readonly AdminCommand[]): string[] {
  return commands.flatMap((command) => [`  ${usageLine(command)}`, `      ${command.summary}`]);
}

/** An offline command takes no --url or --token; the others say which token they send. */
function globalOptionsFor(command: AdminCommand): Array<[string, OptionSpec]> {
  const { credential } = command;
  if (credential === 'none') return Object.entries(GLOBAL_OPTIONS).filter(([name]) => name !== 'url' && name !== 'token');
  return Object.entries(GLOBAL_OPTIONS).map(([name, option]) => [name, name === 'token' ? { ...option, description: TOKEN_DEFAULTS[credential] } : option]);
}

function optionLines(options: ReadonlyArray<readonly [string, OptionSpec]>): string[] {
  const labels = options.map(([name, option]) => `${option.short ? `-${option.short}, ` : ''}${optionUsage(name, option)}`);
  const width = Math.max(...labels.map((label) => label.length));
  return options.map(([, option], index) => `  ${labels[index].padEnd(width)}  ${option.description}`);
}

function optionUsage(name: string, option: OptionSpec): string {
  return option.type === 'string' ? `--${name} <${option.value ?? 'value'}>` : `--${name}`;
}
