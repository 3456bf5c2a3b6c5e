import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

@Entity({ name: 'tool_usages' })
@Index('idx_tool_usages_interception', ['interceptionId'])
export class ToolUsageEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_tool_usages' })
  id!: string;

  @Column({ name: 'interception_id', type: 'uuid' })
  interceptionId!: string;

  @Column({ name: 'provider_response_id', type: 'text' })
  providerResponseId!: string;

  @Column({ type: 'text' })
  tool!: string;

  @Column({ name: 'tool_call_id', type: 'text' })
  toolCallId!: string;

  @Column({ type: 'text' })
  input!: string;

  @Column({ type: 'boolean' })
  injected!: boolean;

  @Column({ type: 'text', nullable: true })
  server!: string | null;

  @Column({ name: 'invocation_error', type: 'text', nullable: true })
  invocationError!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
