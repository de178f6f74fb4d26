import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A notification in both of the console's languages: `message` (English) and `message_zh`
 * (Chinese, shown by default). Rows written before keep their one text for both.
 */
export class NotificationLanguages1797200000000 implements MigrationInterface {
  name = 'NotificationLanguages1797200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE notifications ADD COLUMN message_zh varchar(500) NULL AFTER message');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE notifications DROP COLUMN message_zh');
  }
}
