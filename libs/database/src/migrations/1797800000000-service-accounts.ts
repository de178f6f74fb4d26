import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 部门业务系统: a department's own system calls the api with an API key. Only the key's SHA-256 is
 * kept, found by the key's id (the part of the key before its secret). Ids start at 9·10^15 (still
 * a safe JavaScript integer) so that an actor id (in the audit trail, a step's decided_by, an
 * Idempotency-Key's owner) names one user or one service account, never both.
 */
export class ServiceAccounts1797800000000 implements MigrationInterface {
  name = 'ServiceAccounts1797800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE service_accounts (
        id bigint unsigned NOT NULL AUTO_INCREMENT,
        name varchar(64) NOT NULL,
        department_code varchar(32) NOT NULL,
        key_id char(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        key_hash char(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        created_at datetime(3) NOT NULL,
        last_used_at datetime(3) NULL,
        revoked_at datetime(3) NULL,
        PRIMARY KEY (id),
        UNIQUE KEY uq_service_accounts_name (name),
        UNIQUE KEY uq_service_accounts_key (key_id),
        CONSTRAINT fk_service_accounts_department FOREIGN KEY (department_code) REFERENCES departments (code)
      ) ENGINE=InnoDB AUTO_INCREMENT=9000000000000001 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE service_accounts');
  }
}
