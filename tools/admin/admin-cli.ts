import { PROGRAM, UsageError, type AdminCommand, type Credential } from './admin-command';
import { parseInvocation, type GlobalValues } from './cli-arguments.parser';
import { ADMIN_COMMANDS, DEFAULT_GATEWAY_URL } from './command.table';
import { createGatewayClient, GatewayApiError, GatewayUnreachableError, type GatewayClient } from './gateway-api.client';
import { commandHelp, groupHelp, topLevelHelp, usageLine } from './help.renderer';
import { createOutput } from './output.formatter';
import { SecretRedactor } from './secret.redactor';

export interface AdminCliIo {
  env: Record<string, string | undefined>;
  stdin: () => Promise<string>;
  stdout(line: string): void;
  stderr(line: string): void;
  fetch: typeof fetch;
}

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

const TOKEN_VARIABLES: Record<Exclude<Credential, 'none'>, { variable: string; what: string }> = {
  admin: { variable: 'TOLLGATE_ADMIN_TOKEN', what: 'an admin token' },
  user: { variable: 'TOLLGATE_TOKEN', what: 'a gateway token (tg_…)' },
};

/** `npm run admin -- <command>`: runs one command and answers its exit code. Never throws. */
export async function runAdminCli(argv: string[], io: AdminCliIo): Promise<number> {
  const redactor = new SecretRedactor();
  redactor.add(io.env.TOLLGATE_ADMIN_TOKEN);
  redactor.add(io.env.TOLLGATE_TOKEN);
  redactor.addTokenArguments(argv);
  const stdout = (line: string) => io.stdout(redactor.apply(line));
  const stderr = (line: string) => io.stderr(redactor.apply(line));

  let current: AdminCommand | undefined;
  try {
    const invocation = parseInvocation(argv, ADMIN_COMMANDS);
    if (invocation.kind === 'help') {
      const lines = invocation.command ? commandHelp(invocation.command) : invocation.group ? groupHelp(invocation.group, ADMIN_COMMANDS) : topLevelHelp(ADMIN_COMMANDS);
      lines.forEach(stdout);
      return EXIT_OK;
    }
    const { command, global } = invocation;
    current = command;
    await command.run({
      args: invocation.args,
      options: invocation.options,
      api: command.credential === 'none' ? offlineClient(command) : connect(command, global, io),
      out: createOutput(global.json, stdout, stderr),
      readStdin: io.stdin,
      redact: (secret) => redactor.add(secret),
    });
    return EXIT_OK;
  } catch (error) {
    return report(error, current, stderr);
  }
}

function connect(command: AdminCommand, global: GlobalValues, io: AdminCliIo): GatewayClient {
  return createGatewayClient({ baseUrl: gatewayUrl(command, global, io.env), token: callerToken(command, global, io.env), fetch: io.fetch });
}

function callerToken(command: AdminCommand, global: GlobalValues, env: AdminCliIo['env']): string {
  const { variable, what } = TOKEN_VARIABLES[command.credential as Exclude<Credential, 'none'>];
  const token = (global.token ?? nonEmpty(env[variable]))?.trim();
  if (!token) throw new UsageError(`"${command.words.join(' ')}" needs ${what}: pass --token or set ${variable}`, command);
  // Not echoed: the message would show the token.
  if (/[\s\p{Cc}]/u.test(token)) throw new UsageError('the token contains spaces or control characters', command);
  return token;
}

function gatewayUrl(command: AdminCommand, global: GlobalValues, env: AdminCliIo['env']): string {
  const fromEnv = nonEmpty(env.TOLLGATE_URL);
  const [url, source] = global.url !== undefined ? [global.url, '--url'] : fromEnv ? [fromEnv, 'TOLLGATE_URL'] : [DEFAULT_GATEWAY_URL, 'the default'];
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.search || parsed.hash) {
    throw new UsageError(`the gateway URL (${source}) is not an http(s) URL without query or fragment`, command);
  }
  if (parsed.username || parsed.password) throw new UsageError(`the gateway URL (${source}) holds credentials: pass the token with --token instead`, command);
  return url.trim();
}

function offlineClient(command: AdminCommand): GatewayClient {
  return {
    request: () => Promise.reject(new Error(`"${command.words.join(' ')}" works offline and makes no requests`)),
  };
}

function report(error: unknown, running: AdminCommand | undefined, stderr: (line: string) => void): number {
  if (error instanceof UsageError) {
    stderr(`usage error: ${error.message}`);
    const command = error.command ?? running;
    if (command) {
      stderr(`usage: ${PROGRAM} ${usageLine(command)}`);
      stderr(`run "${PROGRAM} ${command.words.join(' ')} --help" for details`);
    } else {
      stderr(`run "${PROGRAM} --help" for the commands`);
    }
    return EXIT_USAGE;
  }
  if (error instanceof GatewayApiError) {
    stderr(`error ${error.type}: ${error.message} (HTTP ${error.status})`);
    return EXIT_FAILED;
  }
  if (error instanceof GatewayUnreachableError) {
    stderr(`error connection: ${error.message}`);
    return EXIT_FAILED;
  }
  stderr(`error internal: ${error instanceof Error ? error.message : String(error)}`);
  return EXIT_FAILED;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value?.trim() ? value : undefined;
}
