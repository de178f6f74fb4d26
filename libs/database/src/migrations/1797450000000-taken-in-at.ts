import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A service point (N of 1+5+N) takes in requests for items it does not accept itself and hands them
 * to its parent hall: the request's hall is then the parent, and `taken_in_hall_code` keeps the
 * point where the applicant handed it in (null when the hall that took it in accepts it).
 */
export class TakenInAt1797450000000 implements MigrationInterface {
  name = 'TakenInAt1797450000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE service_requests ADD COLUMN taken_in_hall_code varchar(32) NULL AFTER hall_code');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE service_requests DROP COLUMN taken_in_hall_code');
  }
}
