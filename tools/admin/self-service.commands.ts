import { type AdminCommand, flagOption, PROGRAM, stringOption, UsageError } from './admin-command';
import type { MyLimitsView, StoredKeyView, UserView } from './gateway-api.types';
import { myLimitsLines, storedKeyTable, userLines } from './resource.views';

const segment = encodeURIComponent;

export const SELF_SERVICE_COMMANDS: readonly AdminCommand[] = [
  {
    words: ['me'],
    args: [],
    options: {},
    credential: 'user',
    summary: 'Show who your gateway token belongs to, and your stored keys',
    examples: [`${PROGRAM} me`],
    async run(context) {
      const me = await context.api.request<UserView & { keys: StoredKeyView[] }>('GET', '/v1/me');
      context.out.result(me, () => [...userLines(me), '', ...storedKeyTable(me.keys)]);
    },
  },
  {
    words: ['me', 'keys'],
    args: [],
    options: {},
    credential: 'user',
    summary: 'List your stored provider keys (hints only)',
    examples: [`${PROGRAM} me keys`],
    async run(context) {
      const answer = await context.api.request<{ keys: StoredKeyView[] }>('GET', '/v1/me/keys');
      context.out.result(answer, () => storedKeyTable(answer.keys));
    },
  },
  {
    words: ['me', 'limits'],
    args: [],
    options: {},
    credential: 'user',
    summary: 'Show your rate and concurrency limits (yours, your teams\', your token\'s) with what is left, and your model policies',
    details: ['A request must be admitted by every limit listed; remaining counts down as you send requests and refills over the minute.'],
    examples: [`${PROGRAM} me limits`, `${PROGRAM} me limits --json`],
    async run(context) {
      const answer = await context.api.request<MyLimitsView>('GET', '/v1/me/limits');
      context.out.result(answer, () => myLimitsLines(answer));
    },
  },
  {
    words: ['me', 'set-key'],
    args: [{ name: 'provider' }],
    options: {
      verify: { type: 'boolean', description: 'have the gateway try the key with the provider before storing it' },
      'base-url': { type: 'string', value: 'url', description: 'your own endpoint (providers with userEndpoints: true)' },
    },
    credential: 'user',
    summary: 'Store your key for a provider, read from stdin (never from the command line)',
    details: [
      'The key is read from stdin so it stays out of shell history and the process list; on a terminal it is asked for',
      'with the input hidden. The gateway stores it encrypted and shows only its hint from then on.',
    ],
    examples: [`${PROGRAM} me set-key openai --verify < ~/.config/openai.key`, `printf '%s' "$ANTHROPIC_API_KEY" | ${PROGRAM} me set-key anthropic`],
    async run(context) {
      const provider = context.args.provider;
      const key = (await context.readStdin()).trim();
      if (key !== '') context.redact(key);
      if (key === '') {
        throw new UsageError(
          `no key on stdin: the key is read from stdin, never from the command line, e.g. printf '%s' "$KEY" | ${PROGRAM} me set-key ${provider}`,
        );
      }
      if (/[\r\n]/.test(key)) throw new UsageError('stdin holds more than one line: give the key alone');
      const baseUrl = stringOption(context, 'base-url');
      const body = { key, ...(flagOption(context, 'verify') ? { verify: true } : {}), ...(baseUrl === undefined ? {} : { baseUrl }) };
      const stored = await context.api.request<StoredKeyView>('PUT', `/v1/me/keys/${segment(provider)}`, { body });
      context.out.result(stored, () => [
        `stored your ${stored.provider} key ${stored.hint}${flagOption(context, 'verify') ? ' (verified)' : ''}`,
        ...(stored.baseUrl ? [`endpoint ${stored.baseUrl}`] : []),
      ]);
    },
  },
  {
    words: ['me', 'remove-key'],
    args: [{ name: 'provider' }],
    options: {},
    credential: 'user',
    summary: 'Delete your stored key for a provider',
    examples: [`${PROGRAM} me remove-key openai`],
    async run(context) {
      await context.api.request<undefined>('DELETE', `/v1/me/keys/${segment(context.args.provider)}`);
      context.out.result(undefined, () => [`removed your stored ${context.args.provider} key`]);
    },
  },
];
