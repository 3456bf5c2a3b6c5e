import { parseArgs, type ParseArgsConfig } from 'node:util';
import { PROGRAM, UsageError, type AdminCommand, type OptionSpec } from './admin-command';
import { allOptions, commandGroups, GLOBAL_OPTIONS } from './command.table';

export interface GlobalValues {
  url?: string;
  token?: string;
  json: boolean;
}

export type Invocation =
  | { kind: 'help'; command?: AdminCommand; group?: string }
  | { kind: 'run'; command: AdminCommand; args: Record<string, string>; options: Record<string, string | boolean | undefined>; global: GlobalValues };

/**
 * Two passes of parseArgs: a lenient one (every option of every command known) finds the command words wherever the
 * options sit, then a strict one with just that command's options and the global ones.
 */
export function parseInvocation(argv: readonly string[], commands: readonly AdminCommand[]): Invocation {
  const loose = parseArgs({ args: [...argv], options: parseArgsOptions(allOptions(commands)), strict: false, allowPositionals: true });
  const help = loose.values.help === true;
  const command = matchCommand(loose.positionals, commands);
  if (!command) {
    const [first] = loose.positionals;
    if (first === undefined) {
      if (help) return { kind: 'help' };
      throw new UsageError('no command given');
    }
    if (!commandGroups(commands).includes(first)) throw new UsageError(`unknown command ${describeWord(first)}`);
    if (help || loose.positionals.length === 1) {
      if (help) return { kind: 'help', group: first };
      const members = commands.filter((candidate) => candidate.words[0] === first).map((candidate) => candidate.words.join(' '));
      throw new UsageError(`"${first}" needs a command: ${members.join(', ')}`);
    }
    throw new UsageError(`unknown command ${describeWord(`${first} ${loose.positionals[1]}`)}`);
  }
  if (help) return { kind: 'help', command };

  let strict: ReturnType<typeof parseArgs>;
  try {
    strict = parseArgs({ args: [...argv], options: parseArgsOptions({ ...GLOBAL_OPTIONS, ...command.options }), strict: true, allowPositionals: true });
  } catch (error) {
    throw new UsageError(parseArgsMessage(error, command), command);
  }
  const given = strict.positionals.slice(command.words.length);
  const name = command.words.join(' ');
  if (given.length < command.args.length) {
    throw new UsageError(`missing ${command.args.slice(given.length).map((arg) => `<${arg.display ?? arg.name}>`).join(' ')}`, command);
  }
  if (given.length > command.args.length) {
    // The extra words are not echoed: one may be a key or a token typed in the wrong place.
    const expected = command.args.length === 0 ? 'no arguments' : command.args.map((arg) => `<${arg.display ?? arg.name}>`).join(' ');
    const stdin = command.words.join(' ') === 'me set-key' ? ' (the key itself is read from stdin)' : '';
    throw new UsageError(`too many arguments: "${name}" takes ${expected}${stdin}`, command);
  }
  const args: Record<string, string> = {};
  command.args.forEach((arg, index) => {
    if (given[index].trim() === '') throw new UsageError(`<${arg.name}> is empty`, command);
    args[arg.name] = given[index];
  });
  const { url, token, json, help: _help, ...options } = strict.values;
  return {
    kind: 'run',
    command,
    args,
    options: options as Record<string, string | boolean | undefined>,
    global: { url: url as string | undefined, token: token as string | undefined, json: json === true },
  };
}

/** The command whose words start the positionals, the longest if several do (`me keys` over `me`). */
function matchCommand(positionals: readonly string[], commands: readonly AdminCommand[]): AdminCommand | undefined {
  return commands
    .filter((command) => command.words.every((word, index) => positionals[index] === word))
    .sort((a, b) => b.words.length - a.words.length)[0];
}

function parseArgsOptions(options: Readonly<Record<string, OptionSpec>>): NonNullable<ParseArgsConfig['options']> {
  return Object.fromEntries(Object.entries(options).map(([name, option]) => [name, { type: option.type, ...(option.short ? { short: option.short } : {}) }]));
}

function parseArgsMessage(error: unknown, command: AdminCommand): string {
  const { code, message } = error as { code?: string; message: string };
  const unknown = /^Unknown option '([^']+)'/.exec(message);
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && unknown) return `unknown option ${unknown[1]} for "${command.words.join(' ')}"`;
  if (code?.startsWith('ERR_PARSE_ARGS_')) return message;
  throw error;
}

/** Quotes a mistyped command word, unless it does not look like one (it might be pasted secret text). */
function describeWord(word: string): string {
  return /^[a-z][a-z -]{0,40}$/.test(word) ? `"${word}" (run "${PROGRAM} --help" for the list)` : `(run "${PROGRAM} --help" for the list)`;
}
