import type { ByokMode } from '@tollgate/byok';
import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'users' })
@Check('chk_users_byok_mode', `"byok_mode" IN ('disabled', 'prefer', 'require')`)
export class UserEntity {
  /** The initiator id recorded on interceptions. */
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_users' })
  id!: string;

  @Column({ name: 'display_name', type: 'text', default: '' })
  displayName!: string;

  /** Null: the deployment default. */
  @Column({ name: 'byok_mode', type: 'text', nullable: true })
  byokMode!: ByokMode | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
