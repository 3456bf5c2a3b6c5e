import { LIMIT_DETAILS, LIMIT_OPTIONS, limitSetOption, MODEL_DETAILS, MODEL_OPTIONS, modelPolicyOption, parseInstant } from './access-options';
import { type AdminCommand, type CommandContext, flagOption, MODE_WORDS, parseInteger, parseModeWord, PROGRAM, stringOption, UsageError } from './admin-command';
import { GatewayApiError, type GatewayClient, type Query } from './gateway-api.client';
import type { IssuedTokenView, Page, StoredKeyView, TokenView, UserView } from './gateway-api.types';
import { storedKeyTable, tokenLines, tokenTable, userLines, userTable } from './resource.views';

const segment = encodeURIComponent;
export const MAX_PAGE = 200;

export const USER_ADMIN_COMMANDS: readonly AdminCommand[] = [
  {
    words: ['users', 'create'],
    args: [{ name: 'id' }],
    options: {
      name: { type: 'string', value: 'name', description: 'display name' },
      mode: { type: 'string', value: 'mode', description: "BYOK mode: disabled, prefer or require; default (or none given) follows the gateway's byok.mode" },
    },
    credential: 'admin',
    summary: 'Create a user',
    details: ['The id is 1-128 letters, digits and . _ @ - (not first).'],
    examples: [`${PROGRAM} users create alice --name "Alice Liddell" --mode prefer`],
    async run(context) {
      const mode = stringOption(context, 'mode');
      const body = {
        id: context.args.id,
        ...(stringOption(context, 'name') === undefined ? {} : { displayName: stringOption(context, 'name') }),
        ...(mode === undefined ? {} : { byokMode: parseModeWord(mode, '--mode') }),
      };
      const user = await context.api.request<UserView>('POST', '/admin/v1/users', { body });
      context.out.result(user, () => userLines(user));
    },
  },
  {
    words: ['users', 'list'],
    args: [],
    options: {
      limit: { type: 'string', value: 'n', description: `users per page, 1-${MAX_PAGE} (default 50, or ${MAX_PAGE} with --all)` },
      after: { type: 'string', value: 'cursor', description: 'start after this cursor (the `next` of an earlier page)' },
      all: { type: 'boolean', description: 'follow `next` to the last page' },
    },
    credential: 'admin',
    summary: 'List users, by id',
    examples: [`${PROGRAM} users list --limit 20`, `${PROGRAM} users list --all --json`],
    async run(context) {
      const limit = pageLimit(context);
      const after = stringOption(context, 'after');
      if (flagOption(context, 'all')) {
        const items = await allPages<UserView>(context.api, '/admin/v1/users', { limit: limit ?? MAX_PAGE, after });
        context.out.result({ items }, () => userTable(items));
        return;
      }
      const page = await context.api.request<Page<UserView>>('GET', '/admin/v1/users', { query: { limit, after } });
      context.out.result(page, () => userTable(page.items));
      if (page.next) context.out.note(`more users: add --after ${shellWord(page.next)}, or use --all`);
    },
  },
  {
    words: ['users', 'get'],
    args: [{ name: 'id' }],
    options: {},
    credential: 'admin',
    summary: 'Show a user',
    examples: [`${PROGRAM} users get alice`],
    async run(context) {
      const user = await context.api.request<UserView>('GET', `/admin/v1/users/${segment(context.args.id)}`);
      context.out.result(user, () => userLines(user));
    },
  },
  {
    words: ['users', 'set-mode'],
    args: [{ name: 'id' }, { name: 'mode', display: MODE_WORDS.join('|') }],
    options: {},
    credential: 'admin',
    summary: "Set a user's BYOK mode (default: follow the gateway's byok.mode)",
    examples: [`${PROGRAM} users set-mode alice require`, `${PROGRAM} users set-mode alice default`],
    async run(context) {
      const byokMode = parseModeWord(context.args.mode, 'the mode');
      const user = await context.api.request<UserView>('PATCH', `/admin/v1/users/${segment(context.args.id)}`, { body: { byokMode } });
      context.out.result(user, () => userLines(user));
    },
  },
  {
    words: ['users', 'set-budget'],
    args: [{ name: 'id' }, { name: 'amount', display: 'USD|none' }],
    options: { period: { type: 'string', value: 'day|week|month', description: 'the calendar period (UTC) the amount is for (default: month)' } },
    credential: 'admin',
    summary: "Set a user's budget for centralized spend per calendar period (UTC); none: follow the default",
    examples: [`${PROGRAM} users set-budget alice 50`, `${PROGRAM} users set-budget alice 5 --period day`, `${PROGRAM} users set-budget alice none`],
    async run(context) {
      const budget = parseBudgetWords(context.args.amount, stringOption(context, 'period'));
      const user = await context.api.request<UserView>('PATCH', `/admin/v1/users/${segment(context.args.id)}`, { body: { budget } });
      context.out.result(user, () => userLines(user));
    },
  },
  {
    words: ['users', 'set-limits'],
    args: [{ name: 'id' }],
    options: LIMIT_OPTIONS,
    credential: 'admin',
    summary: "Set a user's own rate and concurrency limits; they replace limits.default for this user",
    details: ['The set replaces the user\'s previous one whole: a kind left out is no limit of that kind.', ...LIMIT_DETAILS],
    examples: [`${PROGRAM} users set-limits alice --rpm 60 --concurrent 4`, `${PROGRAM} users set-limits alice --limits '{"tokensPerMinute":200000}'`],
    async run(context) {
      const limits = limitSetOption(context);
      if (!limits) throw new UsageError('give at least one of --rpm, --tpm, --concurrent, or --limits (clear-limits removes them)');
      await patchUser(context, { limits });
    },
  },
  {
    words: ['users', 'clear-limits'],
    args: [{ name: 'id' }],
    options: {},
    credential: 'admin',
    summary: "Remove a user's own limits: limits.default applies to them again",
    examples: [`${PROGRAM} users clear-limits alice`],
    async run(context) {
      await patchUser(context, { limits: null });
    },
  },
  {
    words: ['users', 'set-models'],
    args: [{ name: 'id' }],
    options: MODEL_OPTIONS,
    credential: 'admin',
    summary: "Set which models a user may use (in addition to the deployment's, team and token policies)",
    details: MODEL_DETAILS,
    examples: [`${PROGRAM} users set-models alice --allow 'gpt-4o*,anthropic/claude-*' --deny '*-preview'`],
    async run(context) {
      const models = modelPolicyOption(context);
      if (!models) throw new UsageError('give --allow, --deny or --models (clear-models removes the policy)');
      await patchUser(context, { models });
    },
  },
  {
    words: ['users', 'clear-models'],
    args: [{ name: 'id' }],
    options: {},
    credential: 'admin',
    summary: "Remove a user's own model policy",
    examples: [`${PROGRAM} users clear-models alice`],
    async run(context) {
      await patchUser(context, { models: null });
    },
  },
  {
    words: ['tokens', 'issue'],
    args: [{ name: 'user' }],
    options: {
      name: { type: 'string', value: 'name', description: 'what the token is for, e.g. laptop' },
      'expires-at': { type: 'string', value: 'iso', description: 'refused from then on, e.g. 2027-01-01T00:00:00Z (default: never)' },
      team: { type: 'string', value: 'team', description: "count the token's requests against this team of the user's only (default: every team of the user)" },
      ...LIMIT_OPTIONS,
      ...MODEL_OPTIONS,
    },
    credential: 'admin',
    summary: 'Issue a gateway token (tg_…) for a user, optionally scoped; it is shown once',
    details: ['A scoped token has limits and a model policy of its own, on top of the user\'s and their teams\'.', ...LIMIT_DETAILS, ...MODEL_DETAILS],
    examples: [
      `${PROGRAM} tokens issue alice --name laptop`,
      `${PROGRAM} tokens issue alice --name ci --team platform --expires-at 2027-01-01T00:00:00Z --rpm 30 --allow 'gpt-4o-mini'`,
    ],
    async run(context) {
      const name = stringOption(context, 'name');
      const expiresAt = stringOption(context, 'expires-at');
      const team = stringOption(context, 'team');
      const limits = limitSetOption(context);
      const models = modelPolicyOption(context);
      const body = {
        ...(name === undefined ? {} : { name }),
        ...(expiresAt === undefined ? {} : { expiresAt: parseInstant(expiresAt, '--expires-at') }),
        ...(team === undefined ? {} : { team }),
        ...(limits === undefined ? {} : { limits }),
        ...(models === undefined ? {} : { models }),
      };
      const issued = await context.api.request<IssuedTokenView>('POST', `/admin/v1/users/${segment(context.args.user)}/tokens`, { body });
      context.out.result(issued, () => [...tokenLines(issued), '', `token       ${issued.token}`]);
      context.out.note('This token cannot be shown again: store it now. Later it is listed by its hint only.');
    },
  },
  {
    words: ['tokens', 'list'],
    args: [{ name: 'user' }],
    options: {},
    credential: 'admin',
    summary: "List a user's gateway tokens (hints only) with team, expiry and last use, revoked ones included",
    examples: [`${PROGRAM} tokens list alice`],
    async run(context) {
      const items = await allPages<TokenView>(context.api, `/admin/v1/users/${segment(context.args.user)}/tokens`, { limit: MAX_PAGE });
      context.out.result({ items }, () => tokenTable(items));
    },
  },
  {
    words: ['tokens', 'revoke'],
    args: [{ name: 'token-id' }],
    options: {},
    credential: 'admin',
    summary: 'Revoke a gateway token by its id (from tokens list)',
    examples: [`${PROGRAM} tokens revoke 3f2b8c1e-9d4a-4e6b-8f0c-5a7d2e1b9c40`],
    async run(context) {
      const token = await context.api.request<TokenView>('DELETE', `/admin/v1/tokens/${segment(context.args['token-id'])}`);
      context.out.result(token, () => tokenLines(token));
    },
  },
  {
    words: ['keys', 'list'],
    args: [{ name: 'user' }],
    options: {},
    credential: 'admin',
    summary: "List a user's stored provider keys (hints only)",
    examples: [`${PROGRAM} keys list alice`],
    async run(context) {
      const answer = await context.api.request<{ keys: StoredKeyView[] }>('GET', `/admin/v1/users/${segment(context.args.user)}/keys`);
      context.out.result(answer, () => storedKeyTable(answer.keys));
    },
  },
];

async function patchUser(context: CommandContext, body: Record<string, unknown>): Promise<void> {
  const user = await context.api.request<UserView>('PATCH', `/admin/v1/users/${segment(context.args.id)}`, { body });
  context.out.result(user, () => userLines(user));
}

export function pageLimit(context: CommandContext): number | undefined {
  const limit = stringOption(context, 'limit');
  return limit === undefined ? undefined : parseInteger(limit, '--limit', 1, MAX_PAGE);
}

/** Every item from `after` on, following `next`. */
export async function allPages<T>(api: GatewayClient, path: string, query: Query): Promise<T[]> {
  const items: T[] = [];
  const seen = new Set<string>();
  let after = query.after === undefined ? undefined : String(query.after);
  for (;;) {
    const page = await api.request<Page<T>>('GET', path, { query: { ...query, after } });
    items.push(...page.items);
    if (!page.next) return items;
    // A cursor that comes round again would page forever.
    if (seen.has(page.next)) throw new GatewayApiError(200, 'invalid_response', `the gateway returned the cursor ${page.next} twice`);
    seen.add(page.next);
    after = page.next;
  }
}

export function shellWord(text: string): string {
  return /^[\w.~=+/:@-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

const BUDGET_PERIODS = ['day', 'week', 'month'];

/** `50 month` → { amountUsd: 50, period: 'month' }; `none` → null (the deployment default applies). */
export function parseBudgetWords(amount: string, period: string | undefined): { amountUsd: number; period: string } | null {
  if (amount === 'none') {
    if (period !== undefined) throw new UsageError('none takes no --period');
    return null;
  }
  const amountUsd = Number(amount);
  if (!/^\d+(\.\d+)?$/.test(amount) || !Number.isFinite(amountUsd)) throw new UsageError('the amount must be a number of US dollars, e.g. 50 or 12.5, or none');
  const chosen = period ?? 'month';
  if (!BUDGET_PERIODS.includes(chosen)) throw new UsageError(`the period must be one of ${BUDGET_PERIODS.join(', ')}`);
  return { amountUsd, period: chosen };
}
