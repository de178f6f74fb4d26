import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 工作日历: calendars (weekly hours, the days rule) and their dated days (official holidays, 调休
 * workdays, admins' edits). The shipped State Council schedules are loaded at start, never over an
 * admin's edit.
 */
export class Calendars1796000000000 implements MigrationInterface {
  name = 'Calendars1796000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE calendars (
        code varchar(32) NOT NULL,
        name varchar(100) NOT NULL,
        utc_offset_minutes smallint NOT NULL,
        weekly_hours json NOT NULL,
        adjusted_workday_hours json NOT NULL,
        days_rule varchar(24) NOT NULL,
        created_at datetime(3) NOT NULL,
        updated_at datetime(3) NOT NULL,
        PRIMARY KEY (code)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`
      CREATE TABLE calendar_days (
        calendar_code varchar(32) NOT NULL,
        day date NOT NULL,
        working tinyint(1) NOT NULL,
        name varchar(100) NOT NULL,
        source varchar(16) NOT NULL,
        updated_at datetime(3) NOT NULL,
        PRIMARY KEY (calendar_code, day),
        CONSTRAINT fk_calendar_days_calendar FOREIGN KEY (calendar_code) REFERENCES calendars (code)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE calendar_days');
    await q.query('DROP TABLE calendars');
  }
}
