import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Materials as real files: one row per upload (the bytes are kept once per SHA-256 in the file
 * storage), and which request's material each file was attached to.
 */
export class StoredFiles1797500000000 implements MigrationInterface {
  name = 'StoredFiles1797500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE stored_files (
        id bigint unsigned NOT NULL AUTO_INCREMENT,
        sha256 char(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        size bigint unsigned NOT NULL,
        content_type varchar(100) NOT NULL,
        name varchar(255) NOT NULL,
        company_uscc char(18) NOT NULL,
        uploaded_by bigint unsigned NOT NULL,
        hall_code varchar(32) NULL,
        created_at datetime(3) NOT NULL,
        PRIMARY KEY (id),
        KEY idx_stored_files_sha256 (sha256),
        KEY idx_stored_files_company (company_uscc, created_at),
        CONSTRAINT fk_stored_files_company FOREIGN KEY (company_uscc) REFERENCES companies (uscc),
        CONSTRAINT fk_stored_files_user FOREIGN KEY (uploaded_by) REFERENCES users (id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`
      CREATE TABLE request_files (
        request_id bigint unsigned NOT NULL,
        file_id bigint unsigned NOT NULL,
        material_code varchar(32) NOT NULL,
        attached_at datetime(3) NOT NULL,
        PRIMARY KEY (request_id, file_id, material_code),
        KEY idx_request_files_file (file_id),
        CONSTRAINT fk_request_files_request FOREIGN KEY (request_id) REFERENCES service_requests (id),
        CONSTRAINT fk_request_files_file FOREIGN KEY (file_id) REFERENCES stored_files (id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE request_files');
    await q.query('DROP TABLE stored_files');
  }
}
