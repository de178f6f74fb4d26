import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Service items and their versions. A version's steps and checklist are JSON snapshots of the
 * matters taken when the draft was created, so a published version never changes under a request.
 */
export class Catalogue1795800000000 implements MigrationInterface {
  name = 'Catalogue1795800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE service_items (
        code varchar(32) NOT NULL,
        created_at datetime(3) NOT NULL,
        PRIMARY KEY (code)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`
      CREATE TABLE item_versions (
        id bigint unsigned NOT NULL AUTO_INCREMENT,
        item_code varchar(32) NOT NULL,
        version int unsigned NOT NULL,
        status varchar(16) NOT NULL,
        name varchar(200) NOT NULL,
        category varchar(64) NOT NULL,
        calendar_code varchar(32) NOT NULL DEFAULT 'zone',
        promised_limit json NOT NULL,
        form_schema json NULL,
        steps json NOT NULL,
        checklist json NOT NULL,
        created_at datetime(3) NOT NULL,
        published_at datetime(3) NULL,
        PRIMARY KEY (id),
        UNIQUE KEY uq_item_versions_item_version (item_code, version),
        KEY ix_item_versions_published (item_code, status, version),
        CONSTRAINT fk_item_versions_item FOREIGN KEY (item_code) REFERENCES service_items (code)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE item_versions');
    await q.query('DROP TABLE service_items');
  }
}
