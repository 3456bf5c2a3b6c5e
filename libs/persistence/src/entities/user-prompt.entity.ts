import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

@Entity({ name: 'user_prompts' })
@Index('idx_user_prompts_interception', ['interceptionId'])
export class UserPromptEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_user_prompts' })
  id!: string;

  @Column({ name: 'interception_id', type: 'uuid' })
  interceptionId!: string;

  @Column({ name: 'provider_response_id', type: 'text' })
  providerResponseId!: string;

  @Column({ type: 'text' })
  prompt!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
