import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log of admin actions (docs/admin-audit.md): who did what to which target, when, in which request. Details
 * hold hints, never a token or a key. Listed newest first, whole or by target or actor.
 */
export class CreateAdminAuditLog1767744000000 implements MigrationInterface {
  readonly name = 'CreateAdminAuditLog1767744000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "admin_audit_log" (
        "id" uuid NOT NULL,
        "at" timestamptz NOT NULL,
        "actor" text NOT NULL,
        "action" text NOT NULL,
        "target" text NOT NULL,
        "request_id" text NOT NULL,
        "details" jsonb NOT NULL,
        CONSTRAINT "pk_admin_audit_log" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(`CREATE INDEX "idx_admin_audit_log_at" ON "admin_audit_log" ("at", "id")`);
    await queryRunner.query(`CREATE INDEX "idx_admin_audit_log_target_at" ON "admin_audit_log" ("target", "at")`);
    await queryRunner.query(`CREATE INDEX "idx_admin_audit_log_actor_at" ON "admin_audit_log" ("actor", "at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "admin_audit_log"`);
  }
}
