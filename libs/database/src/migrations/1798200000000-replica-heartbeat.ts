import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One row the api and worker processes stamp on the primary every second while read replicas are
 * configured: a replica's copy of it says up to when that replica has applied the primary's changes
 * (the `freshness.asOf` of a report read there).
 */
export class ReplicaHeartbeat1798200000000 implements MigrationInterface {
  name = 'ReplicaHeartbeat1798200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE replica_heartbeat (
         id tinyint unsigned NOT NULL,
         beat_at datetime(6) NOT NULL,
         PRIMARY KEY (id)
       ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE replica_heartbeat');
  }
}
