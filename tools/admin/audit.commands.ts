import { ADMIN_AUDIT_ACTIONS } from '@tollgate/usage';
import { type AdminCommand, flagOption, PROGRAM, stringOption, UsageError } from './admin-command';
import type { AuditEntryView, Page } from './gateway-api.types';
import { table } from './output.formatter';
import { allPages, pageLimit, shellWord } from './user-admin.commands';

export const AUDIT_COMMANDS: readonly AdminCommand[] = [
  {
    words: ['audit', 'list'],
    args: [],
    options: {
      actor: { type: 'string', value: 'actor', description: 'only this actor, e.g. "admin tg...en"' },
      action: { type: 'string', value: 'action', description: `only this action: ${ADMIN_AUDIT_ACTIONS.join(', ')}` },
      target: { type: 'string', value: 'target', description: 'only this target: a user id, a token id, or provider/position' },
      from: { type: 'string', value: 'iso', description: 'at or after, e.g. 2026-11-01T00:00:00Z' },
      to: { type: 'string', value: 'iso', description: 'before (exclusive)' },
      limit: { type: 'string', value: 'n', description: 'entries per page, 1-200 (default 50, or 200 with --all)' },
      after: { type: 'string', value: 'cursor', description: 'start after this cursor (the `next` of an earlier page)' },
      all: { type: 'boolean', description: 'follow `next` to the last page' },
    },
    credential: 'admin',
    summary: 'List what admins did (who, what, to which target, when, request id), newest first',
    details: ['Details hold hints only: a token or key value is never recorded (docs/admin-audit.md).'],
    examples: [`${PROGRAM} audit list`, `${PROGRAM} audit list --target alice --all`, `${PROGRAM} audit list --action token.issue --json`],
    async run(context) {
      const action = stringOption(context, 'action');
      if (action !== undefined && !(ADMIN_AUDIT_ACTIONS as readonly string[]).includes(action)) {
        throw new UsageError(`--action must be one of ${ADMIN_AUDIT_ACTIONS.join(', ')}`);
      }
      const filters = {
        actor: stringOption(context, 'actor'),
        action,
        target: stringOption(context, 'target'),
        from: stringOption(context, 'from'),
        to: stringOption(context, 'to'),
      };
      const limit = pageLimit(context);
      const after = stringOption(context, 'after');
      if (flagOption(context, 'all')) {
        const items = await allPages<AuditEntryView>(context.api, '/admin/v1/audit', { ...filters, limit: limit ?? 200, after });
        context.out.result({ items }, () => auditTable(items));
        return;
      }
      const page = await context.api.request<Page<AuditEntryView>>('GET', '/admin/v1/audit', { query: { ...filters, limit, after } });
      context.out.result(page, () => auditTable(page.items));
      if (page.next) context.out.note(`more entries: add --after ${shellWord(page.next)}, or use --all`);
    },
  },
];

function auditTable(entries: readonly AuditEntryView[]): string[] {
  return table(
    entries,
    [
      ['at', (entry) => entry.at],
      ['actor', (entry) => entry.actor],
      ['action', (entry) => entry.action],
      ['target', (entry) => entry.target],
      ['request', (entry) => entry.requestId],
      ['details', (entry) => JSON.stringify(entry.details)],
    ],
    'no audit entries',
  );
}
