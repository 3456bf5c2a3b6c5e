import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The identity directory (docs: byok.md): users, gateway tokens (stored only as SHA-256 hashes), users' sealed
 * provider keys, and the change log replicas follow. Also records where an interception's credential came from.
 */
export class CreateIdentityTables1767312000000 implements MigrationInterface {
  readonly name = 'CreateIdentityTables1767312000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "users" (
        "id" text NOT NULL,
        "display_name" text NOT NULL DEFAULT '',
        "byok_mode" text NULL,
        "created_at" timestamptz NOT NULL,
        "updated_at" timestamptz NOT NULL,
        CONSTRAINT "pk_users" PRIMARY KEY ("id"),
        CONSTRAINT "chk_users_byok_mode" CHECK ("byok_mode" IN ('disabled', 'prefer', 'require'))
      )`);

    await queryRunner.query(`
      CREATE TABLE "gateway_tokens" (
        "id" uuid NOT NULL,
        "user_id" text NOT NULL,
        "token_hash" char(64) NOT NULL,
        "hint" varchar(32) NOT NULL,
        "name" text NOT NULL DEFAULT '',
        "created_at" timestamptz NOT NULL,
        "revoked_at" timestamptz NULL,
        CONSTRAINT "pk_gateway_tokens" PRIMARY KEY ("id"),
        CONSTRAINT "uq_gateway_tokens_token_hash" UNIQUE ("token_hash"),
        CONSTRAINT "fk_gateway_tokens_user" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX "idx_gateway_tokens_user_created" ON "gateway_tokens" ("user_id", "created_at")`);

    await queryRunner.query(`
      CREATE TABLE "user_provider_keys" (
        "user_id" text NOT NULL,
        "provider_name" text NOT NULL,
        "ciphertext" bytea NOT NULL,
        "iv" bytea NOT NULL,
        "auth_tag" bytea NOT NULL,
        "kek_id" text NOT NULL,
        "wrapped_key" bytea NOT NULL,
        "hint" varchar(32) NOT NULL,
        "fingerprint" text NOT NULL,
        "base_url" text NULL,
        "created_at" timestamptz NOT NULL,
        "updated_at" timestamptz NOT NULL,
        "last_used_at" timestamptz NULL,
        CONSTRAINT "pk_user_provider_keys" PRIMARY KEY ("user_id", "provider_name"),
        CONSTRAINT "fk_user_provider_keys_user" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE
      )`);

    // No foreign key: a change outlives the user it names (a deleted user is a change too).
    await queryRunner.query(`
      CREATE TABLE "directory_changes" (
        "id" bigserial NOT NULL,
        "user_id" text NOT NULL,
        "changed_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_directory_changes" PRIMARY KEY ("id")
      )`);

    // 'request' | 'stored' | 'pool'. Before stored keys existed every BYOK credential came with the request.
    await queryRunner.query(`ALTER TABLE "interceptions" ADD COLUMN "credential_source" text NOT NULL DEFAULT 'pool'`);
    await queryRunner.query(`UPDATE "interceptions" SET "credential_source" = 'request' WHERE "credential_kind" = 'byok'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "interceptions" DROP COLUMN "credential_source"`);
    await queryRunner.query(`DROP TABLE "directory_changes"`);
    await queryRunner.query(`DROP TABLE "user_provider_keys"`);
    await queryRunner.query(`DROP TABLE "gateway_tokens"`);
    await queryRunner.query(`DROP TABLE "users"`);
  }
}
