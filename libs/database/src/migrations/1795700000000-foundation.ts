import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Identity, the first catalogue tables, the audit trail, the outbox and the in-app inbox. */
export class Foundation1795700000000 implements MigrationInterface {
  name = 'Foundation1795700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE departments (
        code varchar(32) NOT NULL,
        name varchar(100) NOT NULL,
        created_at datetime(3) NOT NULL,
        PRIMARY KEY (code)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`
      CREATE TABLE halls (
        code varchar(32) NOT NULL,
        name varchar(100) NOT NULL,
        level varchar(16) NOT NULL,
        parent_code varchar(32) NULL,
        created_at datetime(3) NOT NULL,
        PRIMARY KEY (code),
        KEY ix_halls_parent (parent_code),
        CONSTRAINT fk_halls_parent FOREIGN KEY (parent_code) REFERENCES halls (code)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`
      CREATE TABLE companies (
        uscc char(18) NOT NULL,
        name varchar(200) NOT NULL,
        created_at datetime(3) NOT NULL,
        PRIMARY KEY (uscc)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`
      CREATE TABLE matters (
        code varchar(32) NOT NULL,
        name varchar(200) NOT NULL,
        department_code varchar(32) NOT NULL,
        promised_limit json NOT NULL,
        legal_limit json NOT NULL,
        materials json NOT NULL,
        output json NOT NULL,
        created_at datetime(3) NOT NULL,
        PRIMARY KEY (code),
        KEY ix_matters_department (department_code),
        CONSTRAINT fk_matters_department FOREIGN KEY (department_code) REFERENCES departments (code)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`
      CREATE TABLE users (
        id bigint unsigned NOT NULL AUTO_INCREMENT,
        username varchar(64) NOT NULL,
        password_hash varchar(255) NOT NULL,
        role varchar(16) NOT NULL,
        company_uscc char(18) NULL,
        department_code varchar(32) NULL,
        hall_code varchar(32) NULL,
        created_at datetime(3) NOT NULL,
        PRIMARY KEY (id),
        UNIQUE KEY uq_users_username (username),
        KEY ix_users_role (role),
        CONSTRAINT fk_users_company FOREIGN KEY (company_uscc) REFERENCES companies (uscc),
        CONSTRAINT fk_users_department FOREIGN KEY (department_code) REFERENCES departments (code),
        CONSTRAINT fk_users_hall FOREIGN KEY (hall_code) REFERENCES halls (code)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`
      CREATE TABLE audit_events (
        id bigint unsigned NOT NULL AUTO_INCREMENT,
        subject_type varchar(32) NOT NULL,
        subject_id varchar(64) NOT NULL,
        action varchar(64) NOT NULL,
        actor_id bigint unsigned NULL,
        actor_role varchar(16) NULL,
        payload json NULL,
        occurred_at datetime(3) NOT NULL,
        PRIMARY KEY (id),
        KEY ix_audit_events_subject (subject_type, subject_id, id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`
      CREATE TABLE outbox_events (
        id bigint unsigned NOT NULL AUTO_INCREMENT,
        type varchar(64) NOT NULL,
        payload json NOT NULL,
        created_at datetime(3) NOT NULL,
        published_at datetime(3) NULL,
        PRIMARY KEY (id),
        KEY ix_outbox_events_pending (published_at, id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`
      CREATE TABLE notifications (
        id bigint unsigned NOT NULL AUTO_INCREMENT,
        user_id bigint unsigned NOT NULL,
        event_id bigint unsigned NOT NULL,
        kind varchar(64) NOT NULL,
        message varchar(500) NOT NULL,
        created_at datetime(3) NOT NULL,
        PRIMARY KEY (id),
        UNIQUE KEY uq_notifications_event_user (event_id, user_id),
        KEY ix_notifications_user (user_id, id),
        CONSTRAINT fk_notifications_user FOREIGN KEY (user_id) REFERENCES users (id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'notifications',
      'outbox_events',
      'audit_events',
      'users',
      'matters',
      'companies',
      'halls',
      'departments',
    ]) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
