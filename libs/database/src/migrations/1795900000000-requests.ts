import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 办件: requests, their steps, the daily number sequence and idempotency keys; the audit trail
 * gains the columns a request's timeline shows (who, on whose behalf, status before and after).
 * Step keys and idempotency keys are ASCII compared byte for byte: `abc` and `ABC` are two keys.
 */
export class Requests1795900000000 implements MigrationInterface {
  name = 'Requests1795900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE service_requests (
        id bigint unsigned NOT NULL AUTO_INCREMENT,
        number varchar(20) NOT NULL,
        item_code varchar(32) NOT NULL,
        item_version_id bigint unsigned NOT NULL,
        item_version int unsigned NOT NULL,
        company_uscc char(18) NOT NULL,
        hall_code varchar(32) NULL,
        status varchar(24) NOT NULL,
        form json NOT NULL,
        materials json NOT NULL,
        supplement json NULL,
        outcome_reason varchar(1000) NULL,
        submitted_by bigint unsigned NOT NULL,
        on_behalf_of char(18) NULL,
        submitted_at datetime(3) NOT NULL,
        accepted_at datetime(3) NULL,
        completed_at datetime(3) NULL,
        ended_at datetime(3) NULL,
        updated_at datetime(3) NOT NULL,
        PRIMARY KEY (id),
        UNIQUE KEY uq_service_requests_number (number),
        KEY ix_service_requests_company (company_uscc, id),
        KEY ix_service_requests_hall (hall_code, id),
        KEY ix_service_requests_status (status, id),
        KEY ix_service_requests_item (item_code, id),
        CONSTRAINT fk_service_requests_version FOREIGN KEY (item_version_id) REFERENCES item_versions (id),
        CONSTRAINT fk_service_requests_company FOREIGN KEY (company_uscc) REFERENCES companies (uscc),
        CONSTRAINT fk_service_requests_hall FOREIGN KEY (hall_code) REFERENCES halls (code)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`
      CREATE TABLE request_steps (
        request_id bigint unsigned NOT NULL,
        step_key varchar(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        position smallint unsigned NOT NULL,
        matter_code varchar(32) NOT NULL,
        matter_name varchar(200) NOT NULL,
        department_code varchar(32) NOT NULL,
        depends_on json NOT NULL,
        status varchar(16) NOT NULL,
        activated_at datetime(3) NULL,
        decided_at datetime(3) NULL,
        decided_by bigint unsigned NULL,
        decision_note varchar(1000) NULL,
        output_kind varchar(64) NOT NULL,
        output_name varchar(200) NOT NULL,
        output_number varchar(64) NULL,
        issued_at datetime(3) NULL,
        PRIMARY KEY (request_id, step_key),
        KEY ix_request_steps_tasks (department_code, status, activated_at, request_id),
        KEY ix_request_steps_department (department_code, request_id),
        CONSTRAINT fk_request_steps_request FOREIGN KEY (request_id) REFERENCES service_requests (id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`
      CREATE TABLE request_number_sequences (
        day char(8) NOT NULL,
        last_value int unsigned NOT NULL,
        PRIMARY KEY (day)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`
      CREATE TABLE idempotency_keys (
        user_id bigint unsigned NOT NULL,
        idempotency_key varchar(128) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        fingerprint char(64) NOT NULL,
        response json NULL,
        created_at datetime(3) NOT NULL,
        PRIMARY KEY (user_id, idempotency_key),
        KEY ix_idempotency_keys_created (created_at)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`
      ALTER TABLE audit_events
        ADD COLUMN actor_username varchar(64) NULL AFTER actor_role,
        ADD COLUMN on_behalf_of varchar(64) NULL AFTER actor_username,
        ADD COLUMN status_from varchar(24) NULL AFTER action,
        ADD COLUMN status_to varchar(24) NULL AFTER status_from`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      'ALTER TABLE audit_events DROP COLUMN status_to, DROP COLUMN status_from, DROP COLUMN on_behalf_of, DROP COLUMN actor_username',
    );
    await q.query('DROP TABLE idempotency_keys');
    await q.query('DROP TABLE request_number_sequences');
    await q.query('DROP TABLE request_steps');
    await q.query('DROP TABLE service_requests');
  }
}
