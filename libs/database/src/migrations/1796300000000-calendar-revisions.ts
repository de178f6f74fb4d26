import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each edit of a calendar gets the next revision, and each clock keeps the revision it is laid out
 * on, so the worker moves a clock for an edit once, however often the edit's event arrives.
 */
export class CalendarRevisions1796300000000 implements MigrationInterface {
  name = 'CalendarRevisions1796300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE calendars ADD COLUMN revision bigint unsigned NOT NULL DEFAULT 0');
    await q.query('ALTER TABLE sla_clocks ADD COLUMN calendar_revision bigint unsigned NOT NULL DEFAULT 0');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE sla_clocks DROP COLUMN calendar_revision');
    await q.query('ALTER TABLE calendars DROP COLUMN revision');
  }
}
