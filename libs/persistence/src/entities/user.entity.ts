import type { ByokMode } from '@tollgate/byok';
import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'users' })
@Check('chk_users_byok_mode', `"byok_mode" IN ('disabled', 'prefer', 'require')`)
@Check(
  'chk_users_budget',
  `("budget_micros" IS NULL AND "budget_period" IS NULL) OR ("budget_micros" >= 0 AND "budget_period" IN ('day', 'week', 'month'))`,
)
export class UserEntity {
  /** The initiator id recorded on interceptions. */
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_users' })
  id!: string;

  @Column({ name: 'display_name', type: 'text', default: '' })
  displayName!: string;

  /** Null: the deployment default. */
  @Column({ name: 'byok_mode', type: 'text', nullable: true })
  byokMode!: ByokMode | null;

  /** Budget override in micro-dollars per `budgetPeriod`; both null: the deployment default. */
  @Column({ name: 'budget_micros', type: 'bigint', nullable: true })
  budgetMicros!: string | null;

  @Column({ name: 'budget_period', type: 'text', nullable: true })
  budgetPeriod!: 'day' | 'week' | 'month' | null;

  /** Own rate and concurrency limits (a LimitSet); null: `limits.default`. */
  @Column({ type: 'jsonb', nullable: true })
  limits!: Record<string, number> | null;

  /** Own model policy ({allow, deny}); null: none. */
  @Column({ type: 'jsonb', nullable: true })
  models!: { allow?: string[]; deny?: string[] } | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
