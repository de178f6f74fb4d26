import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An item's life-cycle stage (一类事一站办, the enterprise stages of 国办发〔2025〕24号): the catalogue
 * is browsed by it. Versions made before have none.
 */
export class ItemStages1797260000000 implements MigrationInterface {
  name = 'ItemStages1797260000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE item_versions ADD COLUMN stage varchar(16) NULL AFTER category');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE item_versions DROP COLUMN stage');
  }
}
