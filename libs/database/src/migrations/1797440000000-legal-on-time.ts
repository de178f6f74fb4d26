import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A step's clock against its legal limit: null without one, 1 stopped within it, 0 past it. */
const STEP_LEGAL = `CASE WHEN c.legal_due_at IS NULL THEN NULL
  WHEN c.legal_breached_at IS NULL AND c.stopped_at <= c.legal_due_at THEN 1 ELSE 0 END`;

/**
 * The turnaround reports count on time against the law (法定时限) beside the promise: each fact
 * says whether it ended within the legal limit (a step: its clock's legal due time; a request:
 * every step of it with a legal limit), and the rollups keep how many facts had a legal limit and
 * how many met it. Existing facts are filled from their clocks, and every rollup period is marked
 * stale so the worker (or `npm run reports:rebuild`) counts it again with the new figures. The
 * covering indexes of the facts hold the new column too.
 */
export class LegalOnTime1797440000000 implements MigrationInterface {
  name = 'LegalOnTime1797440000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE report_requests ADD COLUMN legal_on_time tinyint unsigned NULL AFTER on_time,
        DROP KEY ix_report_requests_turnaround, DROP KEY ix_report_requests_hall, DROP KEY ix_report_requests_item,
        ADD KEY ix_report_requests_turnaround (outcome, ended_day, item_code, hall_code, worked_ms, elapsed_ms, on_time, legal_on_time),
        ADD KEY ix_report_requests_hall (outcome, hall_code, ended_day, item_code, worked_ms, elapsed_ms, on_time, legal_on_time),
        ADD KEY ix_report_requests_item (outcome, item_code, ended_day, hall_code, worked_ms, elapsed_ms, on_time, legal_on_time)`);
    await q.query(`
      ALTER TABLE report_steps ADD COLUMN legal_on_time tinyint unsigned NULL AFTER on_time,
        DROP KEY ix_report_steps_day, DROP KEY ix_report_steps_department,
        ADD KEY ix_report_steps_day (outcome, decided_day, department_code, worked_ms, elapsed_ms, on_time, legal_on_time),
        ADD KEY ix_report_steps_department (outcome, department_code, decided_day, worked_ms, elapsed_ms, on_time, legal_on_time)`);
    await q.query(
      `ALTER TABLE report_rollups ADD COLUMN legal_n int unsigned NOT NULL DEFAULT 0 AFTER on_time,
         ADD COLUMN legal_on_time int unsigned NOT NULL DEFAULT 0 AFTER legal_n`,
    );
    await this.fill(q);
    await q.query('UPDATE report_rollup_periods SET dirty = dirty + 1, stale = 1');
  }

  /** The legal figure of every fact, from its clocks: what projecting the fact again writes. */
  async fill(q: { query: (sql: string) => Promise<unknown> }): Promise<void> {
    await q.query(`
      UPDATE report_steps f
        JOIN sla_clocks c ON c.request_id = f.request_id AND c.kind = 'step' AND c.step_key = f.step_key
                         AND c.stopped_at IS NOT NULL
         SET f.legal_on_time = ${STEP_LEGAL}`);
    await q.query(`
      UPDATE report_requests f
        JOIN (SELECT c.request_id, MIN(${STEP_LEGAL}) AS met
                FROM sla_clocks c
               WHERE c.kind = 'step' AND c.stopped_at IS NOT NULL AND c.legal_due_at IS NOT NULL
               GROUP BY c.request_id) s ON s.request_id = f.request_id
         SET f.legal_on_time = s.met`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE report_rollups DROP COLUMN legal_on_time, DROP COLUMN legal_n');
    await q.query(`
      ALTER TABLE report_steps DROP KEY ix_report_steps_day, DROP KEY ix_report_steps_department,
        ADD KEY ix_report_steps_day (outcome, decided_day, department_code, worked_ms, elapsed_ms, on_time),
        ADD KEY ix_report_steps_department (outcome, department_code, decided_day, worked_ms, elapsed_ms, on_time),
        DROP COLUMN legal_on_time`);
    await q.query(`
      ALTER TABLE report_requests DROP KEY ix_report_requests_turnaround, DROP KEY ix_report_requests_hall,
        DROP KEY ix_report_requests_item,
        ADD KEY ix_report_requests_turnaround (outcome, ended_day, item_code, hall_code, worked_ms, elapsed_ms, on_time),
        ADD KEY ix_report_requests_hall (outcome, hall_code, ended_day, item_code, worked_ms, elapsed_ms, on_time),
        ADD KEY ix_report_requests_item (outcome, item_code, ended_day, hall_code, worked_ms, elapsed_ms, on_time),
        DROP COLUMN legal_on_time`);
  }
}
