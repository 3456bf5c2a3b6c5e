import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

// Column types are spelled out: decorator metadata is off, so TypeORM cannot infer them. The schema itself is owned
// by the migrations; these entities must describe it exactly (a test compares the two).
@Entity({ name: 'interceptions' })
// (initiator_id, started_at) INCLUDE (cost_micros): TypeORM cannot describe INCLUDE, so the migration owns this index
// and the schema diff skips it.
@Index('idx_interceptions_initiator_started', { synchronize: false })
// (provider_name, credential_hint, started_at) WHERE credential_kind = 'centralized': a partial index the migration owns.
@Index('idx_interceptions_pool_key_started', { synchronize: false })
@Index('idx_interceptions_started', ['startedAt'])
@Index('idx_interceptions_provider_model_started', ['provider', 'model', 'startedAt'])
export class InterceptionEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_interceptions' })
  id!: string;

  @Column({ name: 'initiator_id', type: 'text' })
  initiatorId!: string;

  /** The provider type: `openai` or `anthropic`. */
  @Column({ type: 'text' })
  provider!: string;

  @Column({ name: 'provider_name', type: 'text' })
  providerName!: string;

  @Column({ type: 'text' })
  model!: string;

  @Column({ type: 'boolean' })
  streaming!: boolean;

  @Column({ type: 'text' })
  client!: string;

  @Column({ name: 'user_agent', type: 'text' })
  userAgent!: string;

  @Column({ name: 'credential_kind', type: 'text' })
  credentialKind!: 'centralized' | 'byok';

  /** Where the credential came from: `request` and `stored` are BYOK, `pool` is centralized. */
  @Column({ name: 'credential_source', type: 'text', default: 'pool' })
  credentialSource!: 'request' | 'stored' | 'pool';

  @Column({ name: 'credential_hint', type: 'varchar', length: 32, default: '' })
  credentialHint!: string;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true })
  endedAt!: Date | null;

  @Column({ name: 'error_type', type: 'text', nullable: true })
  errorType!: string | null;

  @Column({ name: 'error_message', type: 'text', nullable: true })
  errorMessage!: string | null;

  @Column({ type: 'jsonb' })
  metadata!: Record<string, unknown>;

  /** The sum of its token usages' costs, in micro-dollars; set when the interception ends. */
  @Column({ name: 'cost_micros', type: 'bigint', default: 0 })
  costMicros!: string;

  /** The price table that priced it (PriceTable.version); null until it ends. */
  @Column({ name: 'price_version', type: 'text', nullable: true })
  priceVersion!: string | null;
}
