import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 增值服务: a value-added service the zone offers beyond the law (a consultation, a visit, help with
 * a form) has a promised limit and no statutory one. A matter's legal limit becomes optional: null
 * is none, and its steps' clocks then have no legal due time. Every matter made before keeps its own.
 */
export class OptionalLegalLimit1797430000000 implements MigrationInterface {
  name = 'OptionalLegalLimit1797430000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE matters MODIFY legal_limit json NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    // A matter without a legal limit cannot go back: its promise stands for the law it never had.
    await q.query('UPDATE matters SET legal_limit = promised_limit WHERE legal_limit IS NULL');
    await q.query('ALTER TABLE matters MODIFY legal_limit json NOT NULL');
  }
}
