import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 电子证照: one licence per output of a completed request (unique by request and step, so a
 * completion replayed issues nothing twice), found by its holder and kind (免提交) and by its public
 * verification code.
 */
export class Licences1797600000000 implements MigrationInterface {
  name = 'Licences1797600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE licences (
        id bigint unsigned NOT NULL AUTO_INCREMENT,
        number varchar(64) NOT NULL,
        kind varchar(32) NOT NULL,
        name varchar(200) NOT NULL,
        holder_uscc char(18) NOT NULL,
        holder_name varchar(200) NOT NULL,
        department_code varchar(32) NOT NULL,
        matter_code varchar(32) NOT NULL,
        request_id bigint unsigned NOT NULL,
        step_key varchar(32) NOT NULL,
        issued_at datetime(3) NOT NULL,
        valid_until datetime(3) NULL,
        verification_code char(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        revoked_at datetime(3) NULL,
        revoked_by bigint unsigned NULL,
        revoke_reason varchar(1000) NULL,
        PRIMARY KEY (id),
        UNIQUE KEY uq_licences_output (request_id, step_key),
        UNIQUE KEY uq_licences_verification (verification_code),
        KEY idx_licences_holder (holder_uscc, kind),
        CONSTRAINT fk_licences_holder FOREIGN KEY (holder_uscc) REFERENCES companies (uscc),
        CONSTRAINT fk_licences_request FOREIGN KEY (request_id) REFERENCES service_requests (id),
        CONSTRAINT fk_licences_revoked_by FOREIGN KEY (revoked_by) REFERENCES users (id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE licences');
  }
}
