import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The id of the HTTP request whose change wrote an outbox row, so the jobs the row causes log under
 * the same id as the request did (null for rows written by timers and other unprompted work).
 */
export class OutboxRequestIds1798100000000 implements MigrationInterface {
  name = 'OutboxRequestIds1798100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE outbox_events ADD COLUMN http_request_id varchar(64) CHARACTER SET ascii NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE outbox_events DROP COLUMN http_request_id');
  }
}
