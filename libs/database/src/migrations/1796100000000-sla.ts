import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * SLA clocks: one row per clock (a request's intake, the request, each step), with its due and
 * warning times, what was left at a pause, and each threshold once recorded. `generation` moves
 * whenever the times move, so a timer set for older times knows it is stale.
 */
export class Sla1796100000000 implements MigrationInterface {
  name = 'Sla1796100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sla_clocks (
        id bigint unsigned NOT NULL AUTO_INCREMENT,
        request_id bigint unsigned NOT NULL,
        kind varchar(16) NOT NULL,
        step_key varchar(32) CHARACTER SET ascii COLLATE ascii_bin NULL,
        calendar_code varchar(32) NOT NULL,
        limit_value int unsigned NOT NULL,
        limit_unit varchar(16) NOT NULL,
        warn_share decimal(4,3) NOT NULL,
        started_at datetime(3) NOT NULL,
        due_at datetime(3) NOT NULL,
        warn_at datetime(3) NOT NULL,
        legal_due_at datetime(3) NULL,
        paused_at datetime(3) NULL,
        remaining_ms bigint NULL,
        remaining_warn_ms bigint NULL,
        remaining_legal_ms bigint NULL,
        paused_ms bigint NOT NULL DEFAULT 0,
        warned_at datetime(3) NULL,
        overdue_at datetime(3) NULL,
        stopped_at datetime(3) NULL,
        generation int unsigned NOT NULL DEFAULT 0,
        PRIMARY KEY (id),
        KEY ix_sla_clocks_request (request_id, kind, step_key),
        KEY ix_sla_clocks_open (stopped_at, due_at),
        CONSTRAINT fk_sla_clocks_request FOREIGN KEY (request_id) REFERENCES service_requests (id),
        CONSTRAINT fk_sla_clocks_calendar FOREIGN KEY (calendar_code) REFERENCES calendars (code)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE sla_clocks');
  }
}
