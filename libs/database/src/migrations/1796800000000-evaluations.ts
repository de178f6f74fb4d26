import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 好差评: one evaluation per ended request (score 1-5, an optional comment), with the request's
 * company, hall and item copied in so satisfaction reports read one table. A score of 1 or 2 opens
 * a follow-up (整改) for the hall's managers: open → verified → rectified → closed (fed back to the
 * applicant), each step with its instant, its note and who took it. The follow-up's clock is an
 * `sla_clocks` row of kind `follow-up` on the request. Times are UTC.
 */
export class Evaluations1796800000000 implements MigrationInterface {
  name = 'Evaluations1796800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE evaluations (
        id bigint unsigned NOT NULL AUTO_INCREMENT,
        request_id bigint unsigned NOT NULL,
        company_uscc char(18) NOT NULL,
        hall_code varchar(32) NULL,
        item_code varchar(32) NOT NULL,
        score tinyint unsigned NOT NULL,
        comment varchar(500) NULL,
        evaluated_by bigint unsigned NOT NULL,
        evaluated_at datetime(3) NOT NULL,
        PRIMARY KEY (id),
        UNIQUE KEY uq_evaluations_request (request_id),
        KEY ix_evaluations_evaluated (evaluated_at),
        KEY ix_evaluations_hall (hall_code, evaluated_at),
        KEY ix_evaluations_item (item_code, evaluated_at),
        CONSTRAINT ck_evaluations_score CHECK (score BETWEEN 1 AND 5),
        CONSTRAINT fk_evaluations_request FOREIGN KEY (request_id) REFERENCES service_requests (id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`
      CREATE TABLE follow_ups (
        id bigint unsigned NOT NULL AUTO_INCREMENT,
        request_id bigint unsigned NOT NULL,
        evaluation_id bigint unsigned NOT NULL,
        hall_code varchar(32) NULL,
        status varchar(16) NOT NULL,
        opened_at datetime(3) NOT NULL,
        verified_at datetime(3) NULL,
        verified_by bigint unsigned NULL,
        verify_note varchar(1000) NULL,
        rectified_at datetime(3) NULL,
        rectified_by bigint unsigned NULL,
        rectify_note varchar(1000) NULL,
        closed_at datetime(3) NULL,
        closed_by bigint unsigned NULL,
        feedback varchar(1000) NULL,
        PRIMARY KEY (id),
        UNIQUE KEY uq_follow_ups_request (request_id),
        KEY ix_follow_ups_status (status, opened_at),
        KEY ix_follow_ups_hall (hall_code, opened_at),
        CONSTRAINT fk_follow_ups_request FOREIGN KEY (request_id) REFERENCES service_requests (id),
        CONSTRAINT fk_follow_ups_evaluation FOREIGN KEY (evaluation_id) REFERENCES evaluations (id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE follow_ups');
    await q.query('DROP TABLE evaluations');
  }
}
