import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Signed webhooks out: the admins' subscriptions (their signing secret encrypted, never in clear),
 * one delivery per (subscription, event) (unique, so an event relayed twice is delivered once),
 * sent in event order per (subscription, request), and every attempt recorded.
 */
export class Webhooks1797850000000 implements MigrationInterface {
  name = 'Webhooks1797850000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhook_subscriptions (
        id bigint unsigned NOT NULL AUTO_INCREMENT,
        url varchar(2000) NOT NULL,
        events json NOT NULL,
        department_code varchar(32) NULL,
        secret_cipher varchar(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        active tinyint(1) NOT NULL DEFAULT 1,
        disabled_reason varchar(200) NULL,
        created_by bigint unsigned NULL,
        created_at datetime(3) NOT NULL,
        disabled_at datetime(3) NULL,
        PRIMARY KEY (id),
        KEY idx_webhook_subscriptions_active (active),
        CONSTRAINT fk_webhook_subscriptions_department FOREIGN KEY (department_code) REFERENCES departments (code),
        CONSTRAINT fk_webhook_subscriptions_created_by FOREIGN KEY (created_by) REFERENCES users (id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`
      CREATE TABLE webhook_deliveries (
        id bigint unsigned NOT NULL AUTO_INCREMENT,
        subscription_id bigint unsigned NOT NULL,
        event_id bigint unsigned NOT NULL,
        message_id varchar(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        event_type varchar(64) NOT NULL,
        request_id bigint unsigned NOT NULL,
        body text NOT NULL,
        status varchar(16) NOT NULL,
        attempts int unsigned NOT NULL DEFAULT 0,
        last_status_code smallint unsigned NULL,
        last_error varchar(500) NULL,
        sending_until datetime(3) NULL,
        created_at datetime(3) NOT NULL,
        finished_at datetime(3) NULL,
        PRIMARY KEY (id),
        UNIQUE KEY uq_webhook_deliveries_event (subscription_id, event_id),
        KEY idx_webhook_deliveries_order (subscription_id, request_id, status, event_id),
        KEY idx_webhook_deliveries_status (status, id),
        CONSTRAINT fk_webhook_deliveries_subscription FOREIGN KEY (subscription_id) REFERENCES webhook_subscriptions (id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`
      CREATE TABLE webhook_attempts (
        id bigint unsigned NOT NULL AUTO_INCREMENT,
        delivery_id bigint unsigned NOT NULL,
        attempted_at datetime(3) NOT NULL,
        status_code smallint unsigned NULL,
        latency_ms int unsigned NOT NULL,
        response_excerpt varchar(500) NULL,
        error varchar(500) NULL,
        PRIMARY KEY (id),
        KEY idx_webhook_attempts_delivery (delivery_id, id),
        CONSTRAINT fk_webhook_attempts_delivery FOREIGN KEY (delivery_id) REFERENCES webhook_deliveries (id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE webhook_attempts');
    await q.query('DROP TABLE webhook_deliveries');
    await q.query('DROP TABLE webhook_subscriptions');
  }
}
