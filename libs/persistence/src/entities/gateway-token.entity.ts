import { Column, Entity, ForeignKey, Index, PrimaryColumn, Unique } from 'typeorm';
import { UserEntity } from './user.entity';

@Entity({ name: 'gateway_tokens' })
@Index('idx_gateway_tokens_user_created', ['userId', 'createdAt'])
@Unique('uq_gateway_tokens_token_hash', ['tokenHash'])
export class GatewayTokenEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_gateway_tokens' })
  id!: string;

  @Column({ name: 'user_id', type: 'text' })
  @ForeignKey(() => UserEntity, { name: 'fk_gateway_tokens_user', onDelete: 'CASCADE' })
  userId!: string;

  /** SHA-256 hex of the token; the token itself is never stored. */
  @Column({ name: 'token_hash', type: 'char', length: 64 })
  tokenHash!: string;

  @Column({ type: 'varchar', length: 32 })
  hint!: string;

  @Column({ type: 'text', default: '' })
  name!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  /** Refused from this time on; null: never expires. */
  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  /** The token's own limits (a LimitSet); null: none. */
  @Column({ type: 'jsonb', nullable: true })
  limits!: Record<string, number> | null;

  /** The token's model policy ({allow, deny}); null: none. */
  @Column({ type: 'jsonb', nullable: true })
  models!: { allow?: string[]; deny?: string[] } | null;

  /** The one team the token's requests count against; null: every team of the user. */
  @Column({ name: 'team_id', type: 'text', nullable: true })
  teamId!: string | null;

  /** Written in batches by the gateways (never per request). */
  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;
}
