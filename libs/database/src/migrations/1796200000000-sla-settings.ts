import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What moves SLA clocks besides supplements: an item's warning share, a request's one extension
 * (延期) and steps' special procedures (特别程序); and deferred materials (容缺受理) with their own due
 * dates, which hold the outputs back until they are in.
 */
export class SlaSettings1796200000000 implements MigrationInterface {
  name = 'SlaSettings1796200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE item_versions ADD COLUMN warn_share decimal(4,3) NOT NULL DEFAULT 0.800');
    await q.query(`
      CREATE TABLE request_extensions (
        request_id bigint unsigned NOT NULL,
        working_days smallint unsigned NOT NULL,
        reason varchar(1000) NOT NULL,
        granted_by bigint unsigned NOT NULL,
        granted_at datetime(3) NOT NULL,
        PRIMARY KEY (request_id),
        CONSTRAINT fk_request_extensions_request FOREIGN KEY (request_id) REFERENCES service_requests (id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`
      CREATE TABLE special_procedures (
        id bigint unsigned NOT NULL AUTO_INCREMENT,
        request_id bigint unsigned NOT NULL,
        step_key varchar(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        reason varchar(1000) NOT NULL,
        started_at datetime(3) NOT NULL,
        ends_at datetime(3) NOT NULL,
        ended_at datetime(3) NULL,
        created_by bigint unsigned NOT NULL,
        PRIMARY KEY (id),
        KEY ix_special_procedures_request (request_id, step_key),
        KEY ix_special_procedures_open (ended_at, ends_at),
        CONSTRAINT fk_special_procedures_request FOREIGN KEY (request_id) REFERENCES service_requests (id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`
      CREATE TABLE deferred_materials (
        request_id bigint unsigned NOT NULL,
        code varchar(32) NOT NULL,
        due_at datetime(3) NOT NULL,
        supplied_at datetime(3) NULL,
        reference varchar(500) NULL,
        PRIMARY KEY (request_id, code),
        CONSTRAINT fk_deferred_materials_request FOREIGN KEY (request_id) REFERENCES service_requests (id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE deferred_materials');
    await q.query('DROP TABLE special_procedures');
    await q.query('DROP TABLE request_extensions');
    await q.query('ALTER TABLE item_versions DROP COLUMN warn_share');
  }
}
