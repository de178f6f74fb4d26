import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The legal limit (法定时限) as a clock threshold of its own: when a clock passed its legal due time
 * is recorded once, like its warning and its promised due time, so crossing the law is a timeline
 * event and a notification, not only a figure read later.
 */
export class LegalBreach1797250000000 implements MigrationInterface {
  name = 'LegalBreach1797250000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE sla_clocks ADD COLUMN legal_breached_at datetime(3) NULL AFTER overdue_at');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE sla_clocks DROP COLUMN legal_breached_at');
  }
}
