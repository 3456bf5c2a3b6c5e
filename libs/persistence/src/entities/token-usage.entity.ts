import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

@Entity({ name: 'token_usages' })
@Index('idx_token_usages_interception', ['interceptionId'])
export class TokenUsageEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_token_usages' })
  id!: string;

  @Column({ name: 'interception_id', type: 'uuid' })
  interceptionId!: string;

  @Column({ name: 'provider_response_id', type: 'text' })
  providerResponseId!: string;

  // bigint columns come back from pg as strings (exact beyond 2^53).
  @Column({ name: 'input_tokens', type: 'bigint' })
  inputTokens!: string;

  @Column({ name: 'output_tokens', type: 'bigint' })
  outputTokens!: string;

  @Column({ name: 'cache_read_input_tokens', type: 'bigint' })
  cacheReadInputTokens!: string;

  @Column({ name: 'cache_write_input_tokens', type: 'bigint' })
  cacheWriteInputTokens!: string;

  @Column({ type: 'jsonb' })
  extra!: Record<string, number>;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /** Micro-dollars, each counter priced separately (docs: usage.md). */
  @Column({ name: 'cost_micros', type: 'bigint', default: 0 })
  costMicros!: string;

  /** False when no price matched the model (the cost is then 0). */
  @Column({ type: 'boolean', default: false })
  priced!: boolean;
}
