import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One admin action (docs/admin-audit.md); `details` holds hints, never a token or a key. */
@Entity({ name: 'admin_audit_log' })
@Index('idx_admin_audit_log_at', ['at', 'id'])
@Index('idx_admin_audit_log_target_at', ['target', 'at'])
@Index('idx_admin_audit_log_actor_at', ['actor', 'at'])
export class AdminAuditEntryEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_admin_audit_log' })
  id!: string;

  @Column({ type: 'timestamptz' })
  at!: Date;

  @Column({ type: 'text' })
  actor!: string;

  @Column({ type: 'text' })
  action!: string;

  @Column({ type: 'text' })
  target!: string;

  @Column({ name: 'request_id', type: 'text' })
  requestId!: string;

  @Column({ type: 'jsonb' })
  details!: Record<string, unknown>;
}
