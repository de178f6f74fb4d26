import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhooks carry the request's view: a delivery's body holds the request as GET /requests/{id}
 * answers it, whose form alone may take 256 KiB, so the body is a MEDIUMTEXT. The relays that make
 * deliveries take turns on one row (`webhook_relay_locks`, locked FOR UPDATE from before a relay
 * claims its outbox rows until it commits), so a request's deliveries are committed in its events'
 * order even with many workers relaying.
 */
export class WebhookRelay1797900000000 implements MigrationInterface {
  name = 'WebhookRelay1797900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE webhook_deliveries MODIFY body mediumtext NOT NULL');
    await q.query(`
      CREATE TABLE webhook_relay_locks (
        name varchar(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        PRIMARY KEY (name)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query("INSERT INTO webhook_relay_locks (name) VALUES ('fan-out')");
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE webhook_relay_locks');
    await q.query('ALTER TABLE webhook_deliveries MODIFY body text NOT NULL');
  }
}
