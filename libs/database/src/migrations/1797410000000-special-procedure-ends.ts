import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 特别程序 ended early (行政许可法 Art. 45): the approver who started one may end it before its
 * planned end; who did is kept beside the end. Null for one that ran to its planned end.
 */
export class SpecialProcedureEnds1797410000000 implements MigrationInterface {
  name = 'SpecialProcedureEnds1797410000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE special_procedures ADD COLUMN ended_by bigint unsigned NULL AFTER created_by');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE special_procedures DROP COLUMN ended_by');
  }
}
