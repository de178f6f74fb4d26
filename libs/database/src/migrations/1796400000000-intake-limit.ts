import type { MigrationInterface, QueryRunner } from 'typeorm';

/** An item's own intake limit (行政许可法 Art. 32 gives five days; a zone may promise less). */
export class IntakeLimit1796400000000 implements MigrationInterface {
  name = 'IntakeLimit1796400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE item_versions ADD COLUMN intake_limit json NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE item_versions DROP COLUMN intake_limit');
  }
}
