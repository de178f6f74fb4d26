import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The managers' reports read facts, one row per ended request and per decided step, kept by the
 * worker from the outbox events (libs/reports/src/report-facts.ts) and rebuilt from scratch by
 * `npm run reports:rebuild`. Each fact is recomputed from its request's rows, never incremented,
 * so an event that arrives twice or late changes nothing.
 *
 * A stopped clock keeps the working time it counted (`worked_ms`, pauses excluded), so the
 * reports never lay a calendar over history again. `*_day` is the zone's (Asia/Shanghai) date.
 */
export class Reports1796700000000 implements MigrationInterface {
  name = 'Reports1796700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE sla_clocks ADD COLUMN worked_ms bigint unsigned NULL AFTER stopped_at');
    await q.query(`
      CREATE TABLE report_requests (
        request_id bigint unsigned NOT NULL,
        item_code varchar(32) NOT NULL,
        hall_code varchar(32) NULL,
        outcome varchar(16) NOT NULL,
        submitted_at datetime(3) NOT NULL,
        accepted_at datetime(3) NULL,
        ended_at datetime(3) NOT NULL,
        ended_day date NOT NULL,
        worked_ms bigint unsigned NULL,
        elapsed_ms bigint unsigned NULL,
        on_time tinyint unsigned NULL,
        PRIMARY KEY (request_id),
        KEY ix_report_requests_turnaround (outcome, ended_day, item_code, hall_code, worked_ms, elapsed_ms, on_time),
        KEY ix_report_requests_hall (outcome, hall_code, ended_day, item_code, worked_ms, elapsed_ms, on_time),
        KEY ix_report_requests_item (outcome, item_code, ended_day, hall_code, worked_ms, elapsed_ms, on_time)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`
      CREATE TABLE report_steps (
        request_id bigint unsigned NOT NULL,
        step_key varchar(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        item_code varchar(32) NOT NULL,
        hall_code varchar(32) NULL,
        department_code varchar(32) NOT NULL,
        matter_code varchar(32) NOT NULL,
        approver_id bigint unsigned NULL,
        outcome varchar(16) NOT NULL,
        activated_at datetime(3) NULL,
        decided_at datetime(3) NOT NULL,
        decided_day date NOT NULL,
        worked_ms bigint unsigned NULL,
        elapsed_ms bigint unsigned NULL,
        on_time tinyint unsigned NULL,
        PRIMARY KEY (request_id, step_key),
        KEY ix_report_steps_day (outcome, decided_day, department_code, worked_ms, elapsed_ms, on_time),
        KEY ix_report_steps_department (outcome, department_code, decided_day, worked_ms, elapsed_ms, on_time)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(
      'ALTER TABLE service_requests ADD KEY ix_service_requests_submitted (submitted_at), ADD KEY ix_service_requests_accepted (accepted_at)',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      'ALTER TABLE service_requests DROP KEY ix_service_requests_accepted, DROP KEY ix_service_requests_submitted',
    );
    await q.query('DROP TABLE report_steps');
    await q.query('DROP TABLE report_requests');
    await q.query('ALTER TABLE sla_clocks DROP COLUMN worked_ms');
  }
}
