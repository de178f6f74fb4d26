import type { DataSource } from 'typeorm';

/** What a fingerprint covers beyond the whole tables: the rows this test made and may change. */
export interface FingerprintScope {
  /** Requests (and their steps, clocks, materials, extensions, procedures) from this id on. */
  firstRequestId: number;
  firstItemVersionId: number;
  /** The users whose idempotency keys are watched. */
  userIds: string[];
  /** A calendar of this test's own, whose days are watched one by one. */
  calendarCode: string;
}

export type Fingerprint = Record<string, string>;

/** The columns of rows that change after they are written, per table, and which rows of it are watched. */
const MUTABLE: { table: string; columns: string[]; where: string; param: (s: FingerprintScope) => unknown }[] = [
  {
    table: 'service_requests',
    columns: [
      'id',
      'status',
      'hall_code',
      'supplement',
      'outcome_reason',
      'accepted_at',
      'completed_at',
      'ended_at',
      'updated_at',
    ],
    where: 'id >= ?',
    param: (s) => s.firstRequestId,
  },
  {
    table: 'request_steps',
    columns: [
      'request_id',
      'step_key',
      'status',
      'activated_at',
      'decided_at',
      'decided_by',
      'decision_note',
      'output_number',
      'issued_at',
    ],
    where: 'request_id >= ?',
    param: (s) => s.firstRequestId,
  },
  {
    table: 'sla_clocks',
    columns: [
      'id',
      'due_at',
      'warn_at',
      'legal_due_at',
      'paused_at',
      'remaining_ms',
      'remaining_warn_ms',
      'remaining_legal_ms',
      'paused_ms',
      'warned_at',
      'overdue_at',
      'stopped_at',
      'generation',
      'calendar_revision',
    ],
    where: 'request_id >= ?',
    param: (s) => s.firstRequestId,
  },
  {
    table: 'deferred_materials',
    columns: ['request_id', 'code', 'due_at', 'supplied_at', 'reference'],
    where: 'request_id >= ?',
    param: (s) => s.firstRequestId,
  },
  {
    table: 'request_extensions',
    columns: ['request_id', 'working_days', 'reason', 'granted_by', 'granted_at'],
    where: 'request_id >= ?',
    param: (s) => s.firstRequestId,
  },
  {
    table: 'special_procedures',
    columns: ['id', 'step_key', 'reason', 'started_at', 'ends_at', 'ended_at'],
    where: 'request_id >= ?',
    param: (s) => s.firstRequestId,
  },
  {
    table: 'item_versions',
    columns: ['id', 'status', 'published_at'],
    where: 'id >= ?',
    param: (s) => s.firstItemVersionId,
  },
  {
    table: 'idempotency_keys',
    columns: ['user_id', 'idempotency_key', 'fingerprint', 'LENGTH(response)', 'created_at'],
    where: 'user_id IN (?)',
    param: (s) => s.userIds,
  },
  {
    table: 'calendar_days',
    columns: ['day', 'working', 'name', 'source', 'updated_at'],
    where: 'calendar_code = ?',
    param: (s) => s.calendarCode,
  },
  { table: 'calendars', columns: ['code', 'revision', 'updated_at'], where: '1 = ?', param: () => 1 },
  { table: 'request_number_sequences', columns: ['day', 'last_value'], where: '1 = ?', param: () => 1 },
];

const column = (c: string) => (c.includes('(') ? c : `\`${c}\``);

/**
 * A cheap fingerprint of the database: every table's highest auto-increment id (or its row count
 * when it has none), and a checksum of the rows this test watches in the columns that change after
 * a row is written. Two equal fingerprints around a request mean it wrote nothing that shows.
 */
export class DbFingerprint {
  private constructor(
    private readonly db: DataSource,
    private readonly sql: string,
    private readonly params: unknown[],
  ) {}

  static async create(db: DataSource, scope: FingerprintScope): Promise<DbFingerprint> {
    const tables = (await db.query(
      `SELECT t.table_name AS name,
              (SELECT c.column_name FROM information_schema.columns c
                WHERE c.table_schema = t.table_schema AND c.table_name = t.table_name AND c.extra LIKE '%auto_increment%') AS auto
         FROM information_schema.tables t
        WHERE t.table_schema = DATABASE() AND t.table_type = 'BASE TABLE' AND t.table_name <> 'migrations'
        ORDER BY t.table_name`,
    )) as { name: string; auto: string | null }[];
    const parts: string[] = tables.map(({ name, auto }) =>
      auto
        ? `(SELECT COALESCE(MAX(\`${auto}\`), 0) FROM \`${name}\`) AS \`${name}.max\``
        : `(SELECT COUNT(*) FROM \`${name}\`) AS \`${name}.count\``,
    );
    const params: unknown[] = [];
    for (const m of MUTABLE) {
      const row = `CONCAT_WS('|', ${m.columns.map((c) => `COALESCE(${column(c)}, '-')`).join(', ')})`;
      parts.push(
        `(SELECT CONCAT(COUNT(*), ':', COALESCE(BIT_XOR(CRC32(${row})), 0)) FROM \`${m.table}\` WHERE ${m.where}) AS \`${m.table}.rows\``,
      );
      params.push(m.param(scope));
    }
    return new DbFingerprint(db, `SELECT ${parts.join(',\n')}`, params);
  }

  async take(): Promise<Fingerprint> {
    const [row] = (await this.db.query(this.sql, this.params)) as Record<string, unknown>[];
    return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, String(v)]));
  }

  /** The entries that differ. */
  static changed(before: Fingerprint, after: Fingerprint): string[] {
    return Object.keys(after).filter((k) => before[k] !== after[k]);
  }
}
