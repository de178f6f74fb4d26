import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rollups of the turnaround facts: for each day and month, each dimension (item, hall,
 * department, step, approver), each hall and all halls together, one row per key with its counts,
 * sums and the histogram of worked minutes, so a year's median is merged from twelve months
 * instead of counted from a million rows. `report_rollup_periods` says which periods are up to
 * date: projecting a fact marks its periods (dirty + 1), refreshing one recomputes it from the
 * facts (clean = the dirty it read). A report uses a period only while clean = dirty and counts
 * any other from the facts, so it is exact whatever the worker has done so far.
 */
export class ReportRollups1796900000000 implements MigrationInterface {
  name = 'ReportRollups1796900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE report_rollup_periods (
        grain varchar(5) CHARACTER SET ascii NOT NULL,
        dim varchar(12) CHARACTER SET ascii NOT NULL,
        scope_hall varchar(32) NOT NULL,
        period date NOT NULL,
        dirty int unsigned NOT NULL DEFAULT 0,
        clean int unsigned NOT NULL DEFAULT 0,
        stale tinyint unsigned NOT NULL DEFAULT 1,
        PRIMARY KEY (grain, dim, scope_hall, period),
        KEY ix_report_rollup_periods_stale (stale, grain, period)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`
      CREATE TABLE report_rollups (
        grain varchar(5) CHARACTER SET ascii NOT NULL,
        dim varchar(12) CHARACTER SET ascii NOT NULL,
        scope_hall varchar(32) NOT NULL,
        period date NOT NULL,
        k varchar(64) NOT NULL,
        n int unsigned NOT NULL,
        worked_sum bigint unsigned NOT NULL,
        on_time int unsigned NOT NULL,
        elapsed_sum bigint unsigned NOT NULL,
        elapsed_n int unsigned NOT NULL,
        minutes longtext CHARACTER SET ascii NOT NULL,
        PRIMARY KEY (grain, dim, scope_hall, period, k)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    // The satisfaction report counts scores from this index alone.
    await q.query(
      'ALTER TABLE evaluations ADD KEY ix_evaluations_report (evaluated_at, hall_code, item_code, score, request_id)',
    );
    // Facts written before: their periods start stale, and the worker (or reports:rebuild) fills them.
    for (const [grain, day] of [
      ['day', 'ended_day'],
      ['month', "DATE_FORMAT(ended_day, '%Y-%m-01')"],
    ] as const) {
      for (const dim of ['item', 'hall']) {
        await q.query(
          `INSERT IGNORE INTO report_rollup_periods (grain, dim, scope_hall, period, dirty, clean, stale)
           SELECT DISTINCT '${grain}', '${dim}', s.scope, ${day}, 1, 0, 1
             FROM report_requests f JOIN (SELECT '' AS scope UNION ALL SELECT code FROM halls) s
               ON s.scope = '' OR s.scope = f.hall_code
            WHERE f.outcome = 'completed'`,
        );
      }
      for (const dim of ['department', 'step', 'approver']) {
        await q.query(
          `INSERT IGNORE INTO report_rollup_periods (grain, dim, scope_hall, period, dirty, clean, stale)
           SELECT DISTINCT '${grain}', '${dim}', s.scope, ${day.replace('ended_day', 'decided_day')}, 1, 0, 1
             FROM report_steps f JOIN (SELECT '' AS scope UNION ALL SELECT code FROM halls) s
               ON s.scope = '' OR s.scope = f.hall_code
            WHERE f.outcome = 'approved'`,
        );
      }
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE evaluations DROP KEY ix_evaluations_report');
    await q.query('DROP TABLE report_rollups');
    await q.query('DROP TABLE report_rollup_periods');
  }
}
