import { randomUUID } from 'node:crypto';
import type { SqlQuery } from '@tollgate/platform';
import type { AdminAuditAction, AdminAuditEntry, AdminAuditFilter, AdminAuditLog, AdminAuditPage, AdminAuditRecord } from '@tollgate/usage';
import { decodeCursor, encodeCursor } from '../identity/page-cursor';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CURSOR_FIELDS = { atUs: /^\d{1,20}$/, id: UUID };

interface AuditRow {
  id: string;
  at: Date | string;
  at_us: string;
  actor: string;
  action: AdminAuditAction;
  target: string;
  request_id: string;
  details: Record<string, unknown> | string;
}

const COLUMNS = `id, at, floor(extract(epoch FROM at) * 1000000)::bigint::text AS at_us, actor, action, target, request_id, details`;

/** The admin audit log in SQL: appended once per admin mutation, listed newest first with keyset pages over (at, id). */
export class PostgresAdminAuditLog implements AdminAuditLog {
  constructor(private readonly sql: SqlQuery) {}

  async append(entry: AdminAuditEntry, at: Date): Promise<AdminAuditRecord> {
    const [row] = await this.sql.query<AuditRow>(
      `INSERT INTO admin_audit_log (id, at, actor, action, target, request_id, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)
       RETURNING ${COLUMNS}`,
      [randomUUID(), at.toISOString(), entry.actor, entry.action, entry.target, entry.requestId, JSON.stringify(entry.details)],
    );
    return toRecord(row);
  }

  async list(filter: AdminAuditFilter): Promise<AdminAuditPage> {
    const conditions: string[] = [];
    const parameters: unknown[] = [];
    const bind = (value: unknown) => {
      parameters.push(value);
      return `$${parameters.length}`;
    };
    if (filter.actor !== undefined) conditions.push(`actor = ${bind(filter.actor)}`);
    if (filter.action !== undefined) conditions.push(`action = ${bind(filter.action)}`);
    if (filter.target !== undefined) conditions.push(`target = ${bind(filter.target)}`);
    if (filter.from !== undefined) conditions.push(`at >= ${bind(filter.from.toISOString())}`);
    if (filter.to !== undefined) conditions.push(`at < ${bind(filter.to.toISOString())}`);
    if (filter.after !== undefined) {
      const position = decodeCursor(filter.after, CURSOR_FIELDS);
      conditions.push(`(at, id) < (timestamptz 'epoch' + ${bind(position.atUs)}::bigint * interval '1 microsecond', ${bind(position.id)}::uuid)`);
    }
    const rows = await this.sql.query<AuditRow>(
      `SELECT ${COLUMNS} FROM admin_audit_log
        ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''}
        ORDER BY at DESC, id DESC
        LIMIT ${bind(filter.limit + 1)}`,
      parameters,
    );
    const items = rows.slice(0, filter.limit);
    const last = items.at(-1);
    return {
      items: items.map(toRecord),
      ...(rows.length > filter.limit && last ? { next: encodeCursor({ atUs: last.at_us, id: last.id }) } : {}),
    };
  }
}

function toRecord(row: AuditRow): AdminAuditRecord {
  return {
    id: row.id,
    at: new Date(row.at),
    actor: row.actor,
    action: row.action,
    target: row.target,
    requestId: row.request_id,
    details: typeof row.details === 'string' ? (JSON.parse(row.details) as Record<string, unknown>) : row.details,
  };
}
