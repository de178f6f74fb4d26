import { chainedEventOf, chainHash, type StoredEventRow } from '#audit';
import type { MigrationInterface, QueryRunner } from 'typeorm';

interface LegacyEvent extends StoredEventRow {
  id: string;
}

const BATCH = 1000;

/**
 * Chains each subject's audit events with SHA-256 (libs/audit/src/audit-chain.ts) so a changed,
 * dropped or reordered event is detectable (`npm run audit:verify`), and keeps each chain's head in
 * `audit_chains`. Subjects compare byte for byte (utf8mb4_bin): `unknown:Admin` and `unknown:admin`
 * are two chains. Events written before this migration are chained here in the order they were
 * written.
 */
export class AuditChain1796500000000 implements MigrationInterface {
  name = 'AuditChain1796500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE audit_events
        MODIFY subject_type varchar(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
        MODIFY subject_id varchar(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
        ADD COLUMN seq int unsigned NULL AFTER subject_id,
        ADD COLUMN prev_hash char(64) CHARACTER SET ascii COLLATE ascii_bin NULL AFTER seq,
        ADD COLUMN hash char(64) CHARACTER SET ascii COLLATE ascii_bin NULL AFTER prev_hash`);
    await q.query(`
      CREATE TABLE audit_chains (
        subject_type varchar(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
        subject_id varchar(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
        last_seq int unsigned NOT NULL,
        last_hash char(64) CHARACTER SET ascii COLLATE ascii_bin NULL,
        PRIMARY KEY (subject_type, subject_id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await this.chainExisting(q);
    await q.query(`
      ALTER TABLE audit_events
        MODIFY seq int unsigned NOT NULL,
        MODIFY hash char(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        ADD UNIQUE KEY uq_audit_events_chain (subject_type, subject_id, seq)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE audit_chains');
    await q.query(`
      ALTER TABLE audit_events
        DROP INDEX uq_audit_events_chain,
        DROP COLUMN hash,
        DROP COLUMN prev_hash,
        DROP COLUMN seq,
        MODIFY subject_type varchar(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL,
        MODIFY subject_id varchar(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL`);
  }

  private async chainExisting(q: QueryRunner): Promise<void> {
    const heads = new Map<string, { type: string; id: string; seq: number; hash: string }>();
    await q.query(
      'CREATE TEMPORARY TABLE audit_chain_fill (id bigint unsigned PRIMARY KEY, seq int unsigned, prev_hash char(64), hash char(64))',
    );
    let after = '0';
    for (;;) {
      const rows = (await q.query(
        `SELECT id, subject_type, subject_id, action, status_from, status_to, actor_id, actor_role, actor_username,
                on_behalf_of, payload, occurred_at
           FROM audit_events WHERE id > ? ORDER BY id LIMIT ${BATCH}`,
        [after],
      )) as LegacyEvent[];
      if (rows.length === 0) break;
      const fill: unknown[] = [];
      for (const row of rows) {
        const key = `${row.subject_type}\u0000${row.subject_id}`;
        const head = heads.get(key);
        const seq = (head?.seq ?? 0) + 1;
        const prevHash = head?.hash ?? null;
        const hash = chainHash(chainedEventOf(row, seq, prevHash));
        heads.set(key, { type: row.subject_type, id: row.subject_id, seq, hash });
        fill.push(row.id, seq, prevHash, hash);
      }
      await q.query(`INSERT INTO audit_chain_fill VALUES ${rows.map(() => '(?, ?, ?, ?)').join(', ')}`, fill);
      after = String(rows[rows.length - 1].id);
    }
    await q.query(`
      UPDATE audit_events e JOIN audit_chain_fill f ON f.id = e.id
         SET e.seq = f.seq, e.prev_hash = f.prev_hash, e.hash = f.hash`);
    await q.query('DROP TEMPORARY TABLE audit_chain_fill');
    const all = [...heads.values()];
    for (let i = 0; i < all.length; i += BATCH) {
      const slice = all.slice(i, i + BATCH);
      await q.query(
        `INSERT INTO audit_chains (subject_type, subject_id, last_seq, last_hash) VALUES ${slice.map(() => '(?, ?, ?, ?)').join(', ')}`,
        slice.flatMap((h) => [h.type, h.id, h.seq, h.hash]),
      );
    }
  }
}
