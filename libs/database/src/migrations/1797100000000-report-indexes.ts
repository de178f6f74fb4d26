import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The satisfaction report reads follow-ups by the time they opened (the evaluation's), and each
 * one's clock from an index of clocks by kind that holds what their state is read from.
 */
export class ReportIndexes1797100000000 implements MigrationInterface {
  name = 'ReportIndexes1797100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'ALTER TABLE follow_ups ADD KEY ix_follow_ups_report (opened_at, hall_code, status, request_id, evaluation_id)',
    );
    await q.query(
      'ALTER TABLE sla_clocks ADD KEY ix_sla_clocks_kind (kind, request_id, stopped_at, overdue_at, due_at, paused_at)',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE sla_clocks DROP KEY ix_sla_clocks_kind');
    await q.query('ALTER TABLE follow_ups DROP KEY ix_follow_ups_report');
  }
}
