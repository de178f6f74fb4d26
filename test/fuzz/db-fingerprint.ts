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

/** A table's columns that change after a row is written, and which of its rows are watched. */
interface Watched {
  table: string;
  columns: string[];
  where: string;
  param: (s: FingerprintScope) => unknown;
}
/** A table of what requests own: the rows of this test's requests. */
const ofRequests = (table: string, columns: string[]): Watched => ({
  table,
  columns,
  where: 'request_id >= ?',
  param: (s) => s.firstRequestId,
});
/** A table watched whole. */
const whole = (table: string, columns: string[]): Watched => ({ table, columns, where: '1 = ?', param: () => 1 });

/** What the fingerprint watches row by row, table by table. */
const MUTABLE: Watched[] = [
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
  ofRequests('request_steps', [
    'request_id',
    'step_key',
    'status',
    'activated_at',
    'decided_at',
    'decided_by',
    'decision_note',
    'output_number',
    'issued_at',
  ]),
  ofRequests('sla_clocks', [
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
  ]),
  ofRequests('deferred_materials', ['request_id', 'code', 'due_at', 'supplied_at', 'reference']),
  ofRequests('request_extensions', ['request_id', 'working_days', 'reason', 'granted_by', 'granted_at']),
  ofRequests('special_procedures', ['id', 'step_key', 'reason', 'started_at', 'ends_at', 'ended_at']),
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
  whole('calendars', ['code', 'revision', 'updated_at']),
  whole('licences', ['id', 'revoked_at', 'revoked_by', 'revoke_reason']),
  whole('webhook_subscriptions', ['id', 'active', 'disabled_at']),
  whole('webhook_deliveries', ['id', 'status', 'finished_at']),
  // Not last_used_at: a department's system's every call may move it, reads included.
  whole('service_accounts', ['id', 'revoked_at']),
  whole('request_number_sequences', ['day', 'last_value']),
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
