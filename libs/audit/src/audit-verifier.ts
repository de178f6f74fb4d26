import type { DataSource } from 'typeorm';
import { chainedEventOf, chainHash, type StoredEventRow } from './audit-chain.js';

export interface ChainProblem {
  subjectType: string;
  subjectId: string;
  /** The event where the chain breaks; null for a problem of the chain's head. */
  seq: number | null;
  problem: string;
}

export interface AuditVerification {
  chains: number;
  events: number;
  problems: ChainProblem[];
}

interface EventRow extends StoredEventRow {
  seq: number | string;
  prev_hash: string | null;
  hash: string;
}

interface Chain {
  type: string;
  id: string;
  seq: number;
  hash: string | null;
}

/** One subject (`request`, `42`), or every event of a subject type, or (by default) the whole trail. */
export interface AuditScope {
  subjectType?: string;
  subjectId?: string;
}

/**
 * Walks every chain of the audit trail and recomputes it: each event's hash from its columns and
 * the previous hash, the positions 1, 2, 3…, and the head in `audit_chains` against the last event.
 * A changed column, a dropped, inserted or reordered event, or a cut-off tail each shows as a
 * problem naming the subject and the position. Reads one stream, so memory stays flat however
 * long the trail.
 */
export async function verifyAuditTrail(
  dataSource: DataSource,
  scope: AuditScope = {},
  maxProblems = 1000,
): Promise<AuditVerification> {
  const problems: ChainProblem[] = [];
  const report = (p: ChainProblem) => {
    if (problems.length < maxProblems) problems.push(p);
  };
  const where: string[] = [];
  const params: string[] = [];
  if (scope.subjectType !== undefined) {
    where.push('subject_type = ?');
    params.push(scope.subjectType);
  }
  if (scope.subjectId !== undefined) {
    where.push('subject_id = ?');
    params.push(scope.subjectId);
  }
  const filter = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';

  let chains = 0;
  let events = 0;
  let chain: Chain | null = null;
  const runner = dataSource.createQueryRunner('slave');
  try {
    const stream = await runner.stream(
      `SELECT subject_type, subject_id, seq, prev_hash, hash, action, status_from, status_to, actor_id, actor_role,
              actor_username, on_behalf_of, payload, occurred_at
         FROM audit_events ${filter} ORDER BY subject_type, subject_id, seq`,
      params,
    );
    for await (const row of stream as AsyncIterable<EventRow>) {
      events += 1;
      const seq = Number(row.seq);
      if (!chain || chain.type !== row.subject_type || chain.id !== row.subject_id) {
        chains += 1;
        chain = { type: row.subject_type, id: row.subject_id, seq: 0, hash: null };
      }
      const at = { subjectType: row.subject_type, subjectId: row.subject_id, seq };
      if (seq !== chain.seq + 1) {
        report({ ...at, problem: `expected event ${chain.seq + 1} here: an event is missing or was moved` });
      }
      if (row.prev_hash !== chain.hash) {
        report({ ...at, problem: 'does not point at the hash of the event before it' });
      }
      const hash = chainHash(chainedEventOf(row, seq, row.prev_hash));
      if (hash !== row.hash) report({ ...at, problem: 'its content does not match its hash: it was changed' });
      chain.seq = seq;
      chain.hash = row.hash;
    }

    // Heads against the last events: a cut-off tail, or a chain with no head, or a head with no chain.
    const headFilter = filter.replaceAll('subject_', 'c.subject_');
    const heads = (await runner.query(
      `SELECT c.subject_type, c.subject_id, c.last_seq, c.last_hash, e.hash AS event_hash,
              (SELECT MAX(x.seq) FROM audit_events x WHERE x.subject_type = c.subject_type AND x.subject_id = c.subject_id) AS max_seq
         FROM audit_chains c
         LEFT JOIN audit_events e ON e.subject_type = c.subject_type AND e.subject_id = c.subject_id AND e.seq = c.last_seq
         ${headFilter}
       HAVING event_hash IS NULL OR event_hash <> c.last_hash OR max_seq <> c.last_seq`,
      params,
    )) as { subject_type: string; subject_id: string; last_seq: number; max_seq: number | null }[];
    for (const head of heads) {
      report({
        subjectType: head.subject_type,
        subjectId: head.subject_id,
        seq: null,
        problem:
          head.max_seq === null
            ? `the head names event ${head.last_seq} but the subject has no events`
            : `the head names event ${head.last_seq} but the last event is ${head.max_seq}, or differs: events were cut off or replaced`,
      });
    }
    const orphans = (await runner.query(
      `SELECT e.subject_type, e.subject_id, MAX(e.seq) AS max_seq FROM audit_events e
         LEFT JOIN audit_chains c ON c.subject_type = e.subject_type AND c.subject_id = e.subject_id
        WHERE c.subject_id IS NULL ${where.length > 0 ? `AND ${where.map((w) => `e.${w}`).join(' AND ')}` : ''}
        GROUP BY e.subject_type, e.subject_id`,
      params,
    )) as { subject_type: string; subject_id: string }[];
    for (const o of orphans) {
      report({ subjectType: o.subject_type, subjectId: o.subject_id, seq: null, problem: 'the chain has no head' });
    }
  } finally {
    await runner.release();
  }
  return { chains, events, problems };
}
