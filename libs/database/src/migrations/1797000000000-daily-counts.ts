import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per zone day, hall and item: requests submitted, accepted and ended (by outcome), and
 * evaluations per score, for the throughput and satisfaction reports. Each counts what happened
 * on that day, and nothing written later is dated in the past, so a day counted after it ended is
 * final; `report_daily_days` lists the days counted, and reports count any other day live.
 */
export class DailyCounts1797000000000 implements MigrationInterface {
  name = 'DailyCounts1797000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE report_daily_counts (
        day date NOT NULL,
        hall_code varchar(32) NOT NULL,
        item_code varchar(32) NOT NULL,
        metric varchar(16) CHARACTER SET ascii NOT NULL,
        n int unsigned NOT NULL,
        PRIMARY KEY (day, hall_code, item_code, metric)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`
      CREATE TABLE report_daily_days (
        day date NOT NULL,
        counted_at datetime(3) NOT NULL,
        PRIMARY KEY (day)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query('ALTER TABLE service_requests ADD KEY ix_service_requests_ended (ended_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE service_requests DROP KEY ix_service_requests_ended');
    await q.query('DROP TABLE report_daily_days');
    await q.query('DROP TABLE report_daily_counts');
  }
}
