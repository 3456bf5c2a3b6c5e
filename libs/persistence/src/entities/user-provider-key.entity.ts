import { Column, Entity, ForeignKey, PrimaryColumn } from 'typeorm';
import { UserEntity } from './user.entity';

/** A user's provider key, sealed with AES-256-GCM (additional data: user id + provider name); never in clear. */
@Entity({ name: 'user_provider_keys' })
export class UserProviderKeyEntity {
  @PrimaryColumn({ name: 'user_id', type: 'text', primaryKeyConstraintName: 'pk_user_provider_keys' })
  @ForeignKey(() => UserEntity, { name: 'fk_user_provider_keys_user', onDelete: 'CASCADE' })
  userId!: string;

  @PrimaryColumn({ name: 'provider_name', type: 'text', primaryKeyConstraintName: 'pk_user_provider_keys' })
  providerName!: string;

  @Column({ type: 'bytea' })
  ciphertext!: Buffer;

  @Column({ type: 'bytea' })
  iv!: Buffer;

  @Column({ name: 'auth_tag', type: 'bytea' })
  authTag!: Buffer;

  /** The row's data key, wrapped under `kek_id` (envelope encryption). */
  @Column({ name: 'wrapped_key', type: 'bytea' })
  wrappedKey!: Buffer;

  @Column({ name: 'kek_id', type: 'text' })
  kekId!: string;

  @Column({ type: 'varchar', length: 32 })
  hint!: string;

  @Column({ type: 'text' })
  fingerprint!: string;

  @Column({ name: 'base_url', type: 'text', nullable: true })
  baseUrl!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;
}
