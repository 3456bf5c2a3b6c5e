import { LIMIT_DETAILS, LIMIT_OPTIONS, limitSetOption, MODEL_DETAILS, MODEL_OPTIONS, modelPolicyOption } from './access-options';
import { type AdminCommand, type CommandContext, flagOption, PROGRAM, stringOption, UsageError } from './admin-command';
import type { Page, TeamView } from './gateway-api.types';
import { teamLines, teamTable } from './resource.views';
import { allPages, MAX_PAGE, pageLimit, parseBudgetWords, shellWord } from './user-admin.commands';

const segment = encodeURIComponent;

export const TEAM_COMMANDS: readonly AdminCommand[] = [
  {
    words: ['teams', 'create'],
    args: [{ name: 'id' }],
    options: { name: { type: 'string', value: 'name', description: 'display name (default: the id)' } },
    credential: 'admin',
    summary: 'Create a team',
    details: ['A user may belong to several teams; a request counts against every team of its user (docs/limits.md).'],
    examples: [`${PROGRAM} teams create platform --name "Platform team"`],
    async run(context) {
      const team = await context.api.request<TeamView>('POST', '/admin/v1/teams', { body: { id: context.args.id, name: stringOption(context, 'name') ?? context.args.id } });
      context.out.result(team, () => teamLines(team));
    },
  },
  {
    words: ['teams', 'list'],
    args: [],
    options: {
      limit: { type: 'string', value: 'n', description: `teams per page, 1-${MAX_PAGE} (default 50, or ${MAX_PAGE} with --all)` },
      after: { type: 'string', value: 'cursor', description: 'start after this cursor (the `next` of an earlier page)' },
      all: { type: 'boolean', description: 'follow `next` to the last page' },
    },
    credential: 'admin',
    summary: 'List teams, by id, with their member count, limits, budget and model policy',
    examples: [`${PROGRAM} teams list`, `${PROGRAM} teams list --all --json`],
    async run(context) {
      const limit = pageLimit(context);
      const after = stringOption(context, 'after');
      if (flagOption(context, 'all')) {
        const items = await allPages<TeamView>(context.api, '/admin/v1/teams', { limit: limit ?? MAX_PAGE, after });
        context.out.result({ items }, () => teamTable(items));
        return;
      }
      const page = await context.api.request<Page<TeamView>>('GET', '/admin/v1/teams', { query: { limit, after } });
      context.out.result(page, () => teamTable(page.items));
      if (page.next) context.out.note(`more teams: add --after ${shellWord(page.next)}, or use --all`);
    },
  },
  {
    words: ['teams', 'get'],
    args: [{ name: 'id' }],
    options: {},
    credential: 'admin',
    summary: 'Show a team: limits, budget, model policy and members',
    examples: [`${PROGRAM} teams get platform`],
    async run(context) {
      const team = await context.api.request<TeamView>('GET', teamPath(context));
      context.out.result(team, () => teamLines(team));
    },
  },
  {
    words: ['teams', 'rename'],
    args: [{ name: 'id' }, { name: 'name' }],
    options: {},
    credential: 'admin',
    summary: "Change a team's display name (its id stays)",
    examples: [`${PROGRAM} teams rename platform "Platform & infra"`],
    async run(context) {
      await patchTeam(context, { name: context.args.name });
    },
  },
  {
    words: ['teams', 'set-limits'],
    args: [{ name: 'id' }],
    options: LIMIT_OPTIONS,
    credential: 'admin',
    summary: "Set a team's rate and concurrency limits, shared by all its members",
    details: ['The set replaces the team\'s previous one whole: a kind left out is no limit of that kind.', ...LIMIT_DETAILS],
    examples: [`${PROGRAM} teams set-limits platform --rpm 600 --tpm 2000000`],
    async run(context) {
      const limits = limitSetOption(context);
      if (!limits) throw new UsageError('give at least one of --rpm, --tpm, --concurrent, or --limits (clear-limits removes them)');
      await patchTeam(context, { limits });
    },
  },
  {
    words: ['teams', 'clear-limits'],
    args: [{ name: 'id' }],
    options: {},
    credential: 'admin',
    summary: "Remove a team's limits",
    examples: [`${PROGRAM} teams clear-limits platform`],
    async run(context) {
      await patchTeam(context, { limits: null });
    },
  },
  {
    words: ['teams', 'set-budget'],
    args: [{ name: 'id' }, { name: 'amount', display: 'USD|none' }],
    options: { period: { type: 'string', value: 'day|week|month', description: 'the calendar period (UTC) the amount is for (default: month)' } },
    credential: 'admin',
    summary: "Set a team's budget for centralized spend per calendar period (UTC), counted in addition to each member's own; none: no team budget",
    examples: [`${PROGRAM} teams set-budget platform 500`, `${PROGRAM} teams set-budget platform none`],
    async run(context) {
      await patchTeam(context, { budget: parseBudgetWords(context.args.amount, stringOption(context, 'period')) });
    },
  },
  {
    words: ['teams', 'set-models'],
    args: [{ name: 'id' }],
    options: MODEL_OPTIONS,
    credential: 'admin',
    summary: "Set which models a team's members may use through it",
    details: MODEL_DETAILS,
    examples: [`${PROGRAM} teams set-models platform --allow 'openai/*' --deny 'gpt-4.5*'`],
    async run(context) {
      const models = modelPolicyOption(context);
      if (!models) throw new UsageError('give --allow, --deny or --models (clear-models removes the policy)');
      await patchTeam(context, { models });
    },
  },
  {
    words: ['teams', 'clear-models'],
    args: [{ name: 'id' }],
    options: {},
    credential: 'admin',
    summary: "Remove a team's model policy",
    examples: [`${PROGRAM} teams clear-models platform`],
    async run(context) {
      await patchTeam(context, { models: null });
    },
  },
  {
    words: ['teams', 'add-member'],
    args: [{ name: 'id' }, { name: 'user' }],
    options: {},
    credential: 'admin',
    summary: 'Add a user to a team',
    examples: [`${PROGRAM} teams add-member platform alice`],
    async run(context) {
      const team = await context.api.request<TeamView>('PUT', `${teamPath(context)}/members/${segment(context.args.user)}`);
      context.out.result(team, () => teamLines(team));
    },
  },
  {
    words: ['teams', 'remove-member'],
    args: [{ name: 'id' }, { name: 'user' }],
    options: {},
    credential: 'admin',
    summary: 'Remove a user from a team',
    examples: [`${PROGRAM} teams remove-member platform alice`],
    async run(context) {
      const team = await context.api.request<TeamView>('DELETE', `${teamPath(context)}/members/${segment(context.args.user)}`);
      context.out.result(team, () => teamLines(team));
    },
  },
  {
    words: ['teams', 'delete'],
    args: [{ name: 'id' }],
    options: {},
    credential: 'admin',
    summary: 'Delete a team (its members stay as users)',
    details: ['A team with active gateway tokens issued for it is not deleted: revoke those tokens first.'],
    examples: [`${PROGRAM} teams delete platform`],
    async run(context) {
      await context.api.request<undefined>('DELETE', teamPath(context));
      context.out.result(undefined, () => [`deleted team ${context.args.id}`]);
    },
  },
];

function teamPath(context: CommandContext): string {
  return `/admin/v1/teams/${segment(context.args.id)}`;
}

async function patchTeam(context: CommandContext, body: Record<string, unknown>): Promise<void> {
  const team = await context.api.request<TeamView>('PATCH', teamPath(context), { body });
  context.out.result(team, () => teamLines(team));
}
