import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 联合办理 (行政许可法 Art. 42): a joint item's request is decided within 45 working days as a whole,
 * and its extension adds 15 working days to that legal limit, once. Versions made before are not joint.
 */
export class JointItems1797420000000 implements MigrationInterface {
  name = 'JointItems1797420000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE item_versions ADD COLUMN joint tinyint(1) NOT NULL DEFAULT 0 AFTER stage');
    await q.query(
      'ALTER TABLE request_extensions ADD COLUMN legal_working_days smallint unsigned NULL AFTER working_days',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE request_extensions DROP COLUMN legal_working_days');
    await q.query('ALTER TABLE item_versions DROP COLUMN joint');
  }
}
