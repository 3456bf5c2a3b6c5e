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
}
