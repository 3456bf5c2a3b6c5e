import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One row per write to the identity directory; replicas poll for ids above the last one they applied. */
@Entity({ name: 'directory_changes' })
export class DirectoryChangeEntity {
  // bigint comes back from pg as a string.
  @PrimaryGeneratedColumn('increment', { type: 'bigint', primaryKeyConstraintName: 'pk_directory_changes' })
  id!: string;

  /** The user whose entry changed, or null for a team's change. */
  @Column({ name: 'user_id', type: 'text', nullable: true })
  userId!: string | null;

  /** The team whose settings changed, or null for a user's change. */
  @Column({ name: 'team_id', type: 'text', nullable: true })
  teamId!: string | null;

  @Column({ name: 'changed_at', type: 'timestamptz', default: () => 'now()' })
  changedAt!: Date;
}
