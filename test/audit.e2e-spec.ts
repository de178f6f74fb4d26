import { AuditWriter, verifyAuditTrail } from '#audit';
import { appGrantStatements } from '#database';
import type { INestApplication } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import mysql from 'mysql2/promise';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { createApp, login, unique } from './helpers.js';
import { TEST_ENV } from './test-env.js';

const run = promisify(execFile);

describe('audit trail: append-only, hash-chained, verifiable', () => {
  let app: INestApplication;
  let db: DataSource;
  let writer: AuditWriter;
  const subjectType = 'audit-test';

  beforeAll(async () => {
    app = await createApp();
    db = app.get(getDataSourceToken());
    writer = app.get(AuditWriter);
  });

  afterAll(async () => {
    await app.close();
  });

  /** Appends `count` events to a new subject, each in its own transaction, `parallel` at a time. */
  async function chainOf(count: number, parallel = 1): Promise<string> {
    const subjectId = unique();
    let next = 0;
    const appendOne = async () => {
      for (let i = next++; i < count; i = next++) {
        await db.transaction((m) =>
          writer.append(m, {
            subjectType,
            subjectId,
            action: `test.step-${i}`,
            actor: { id: '1', role: 'admin', username: 'admin' },
            payload: { i, text: `营业执照 <b>'; DROP TABLE x; -- 😀` },
          }),
        );
      }
    };
    await Promise.all(Array.from({ length: parallel }, appendOne));
    return subjectId;
  }

  const verify = (subjectId: string) => verifyAuditTrail(db, { subjectType, subjectId });
  const rowsOf = async (subjectId: string) =>
    (await db.query('SELECT * FROM audit_events WHERE subject_type = ? AND subject_id = ? ORDER BY seq', [
      subjectType,
      subjectId,
    ])) as { id: string; seq: number; prev_hash: string | null; hash: string }[];

  it('chains each subject’s events: positions 1…n, each pointing at the hash before it', async () => {
    const subjectId = await chainOf(5);
    const rows = await rowsOf(subjectId);
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(rows[0].prev_hash).toBeNull();
    for (let i = 1; i < rows.length; i++) expect(rows[i].prev_hash).toBe(rows[i - 1].hash);
    expect(await verify(subjectId)).toEqual({ chains: 1, events: 5, problems: [] });
  });

  it('keeps one unbroken chain when many writers append to one subject at once', async () => {
    const subjectId = await chainOf(40, 8);
    const rows = await rowsOf(subjectId);
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(await verify(subjectId)).toEqual({ chains: 1, events: 40, problems: [] });
  });

  it('keeps the chain when writers append outside a transaction of their own, as a login does', async () => {
    const subjectId = unique();
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        writer.append(db.manager, { subjectType, subjectId, action: `test.loose-${i}`, actor: null }),
      ),
    );
    expect(await verify(subjectId)).toEqual({ chains: 1, events: 12, problems: [] });
  });

  it('keeps the chain when the caller says its subject exists: locking the head first, and making it when it was missing after all', async () => {
    const entry = (subjectId: string, i: number) => ({
      subjectType,
      subjectId,
      action: `test.known-${i}`,
      actor: null,
    });
    // A subject with no chain yet: its head is made as without the hint.
    const fresh = unique();
    await db.transaction((m) => writer.appendMany(m, [entry(fresh, 0)], { subjectsExist: true }));
    // Then many writers at once, each locking the head straight away.
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        db.transaction((m) =>
          writer.appendMany(m, [entry(fresh, i + 1), entry(fresh, i + 101)], { subjectsExist: true }),
        ),
      ),
    );
    expect((await rowsOf(fresh)).map((r) => r.seq)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
    expect(await verify(fresh)).toEqual({ chains: 1, events: 21, problems: [] });
  });

  it('finds a changed event, a dropped one, a cut-off tail and a forged head, naming subject and position', async () => {
    const subjectId = await chainOf(4);
    const rows = (await db.query('SELECT * FROM audit_events WHERE subject_type = ? AND subject_id = ? ORDER BY seq', [
      subjectType,
      subjectId,
    ])) as Record<string, unknown>[];
    const restore = async (row: Record<string, unknown>) => {
      const columns = Object.keys(row);
      await db.query('DELETE FROM audit_events WHERE id = ?', [row.id]);
      await db.query(
        `INSERT INTO audit_events (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
        columns.map((c) =>
          c === 'payload' && row[c] !== null && typeof row[c] === 'object' ? JSON.stringify(row[c]) : row[c],
        ),
      );
    };
    const problemsOf = async () => (await verify(subjectId)).problems.map((p) => [p.seq, p.problem]);

    // A changed payload (what an UPDATE by someone with the rights would do).
    await db.query("UPDATE audit_events SET payload = JSON_SET(payload, '$.i', 99) WHERE id = ?", [rows[1].id]);
    expect(await problemsOf()).toEqual([[2, expect.stringContaining('was changed')]]);
    await restore(rows[1]);
    expect(await problemsOf()).toEqual([]);

    // A changed actor.
    await db.query("UPDATE audit_events SET actor_username = 'someone-else' WHERE id = ?", [rows[0].id]);
    expect(await problemsOf()).toEqual([[1, expect.stringContaining('was changed')]]);
    await restore(rows[0]);

    // A dropped event in the middle.
    await db.query('DELETE FROM audit_events WHERE id = ?', [rows[2].id]);
    expect(await problemsOf()).toEqual([
      [4, expect.stringContaining('expected event 3')],
      [4, expect.stringContaining('does not point at')],
    ]);
    await restore(rows[2]);

    // The last event cut off: the chain itself still links, but its head names event 4.
    await db.query('DELETE FROM audit_events WHERE id = ?', [rows[3].id]);
    expect(await problemsOf()).toEqual([[null, expect.stringContaining('cut off')]]);
    await restore(rows[3]);

    // A head rewritten to match a shortened chain would still need the events to agree: move it and see.
    await db.query('UPDATE audit_chains SET last_seq = 3, last_hash = ? WHERE subject_type = ? AND subject_id = ?', [
      rows[2].hash,
      subjectType,
      subjectId,
    ]);
    expect(await problemsOf()).toEqual([[null, expect.stringContaining('cut off')]]);
    await db.query('UPDATE audit_chains SET last_seq = 4, last_hash = ? WHERE subject_type = ? AND subject_id = ?', [
      rows[3].hash,
      subjectType,
      subjectId,
    ]);
    expect(await problemsOf()).toEqual([]);
  });

  it('npm run audit:verify exits 0 on an intact chain and 1, naming the break, on a changed one', async () => {
    const subjectId = await chainOf(3);
    const cli = (...args: string[]) =>
      run(process.execPath, ['dist/apps/cli/src/main.js', 'audit-verify', subjectType, subjectId, ...args], {
        env: { ...process.env, ...TEST_ENV },
      });
    const ok = await cli();
    expect(ok.stdout).toMatch(/3 events in 1 chains verified in \d+ ms; every chain is intact/);

    const [row] = (await db.query(
      'SELECT id, action FROM audit_events WHERE subject_type = ? AND subject_id = ? AND seq = 2',
      [subjectType, subjectId],
    )) as { id: string; action: string }[];
    await db.query("UPDATE audit_events SET action = 'test.rewritten' WHERE id = ?", [row.id]);
    const failed = await cli().then(
      () => null,
      (error: { code: number; stdout: string }) => error,
    );
    await db.query('UPDATE audit_events SET action = ? WHERE id = ?', [row.action, row.id]);
    expect(failed?.code).toBe(1);
    expect(failed?.stdout).toContain(`BROKEN ${subjectType} ${subjectId} event 2: its content does not match its hash`);
    expect(failed?.stdout).toMatch(/1 problem\(s\)/);
  });

  it('no code path rewrites the trail: the documented grants let the app read and append, never update or delete', async () => {
    const user = `ot_app_${process.pid}`;
    const password = `pw-${unique()}-${unique()}`;
    const database = db.options.database as string;
    const tables = (
      (await db.query(
        "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE'",
        [database],
      )) as { name: string }[]
    ).map((r) => r.name);
    const account = `'${user}'@'%'`;
    await db.query(`DROP USER IF EXISTS ${account}`);
    await db.query(`CREATE USER ${account} IDENTIFIED BY '${password}'`);
    const previousUrl = process.env.DATABASE_URL;
    let restricted: INestApplication | undefined;
    try {
      for (const statement of appGrantStatements(database, tables, account)) await db.query(statement);

      const connection = await mysql.createConnection({ host: '127.0.0.1', user, password, database });
      try {
        const denied = (sql: string) =>
          connection.query(sql).then(
            () => 'allowed',
            (error: { code: string }) => error.code,
          );
        expect(await denied('UPDATE audit_events SET action = action WHERE id = 0')).toBe(
          'ER_TABLEACCESS_DENIED_ERROR',
        );
        expect(await denied('DELETE FROM audit_events WHERE id = 0')).toBe('ER_TABLEACCESS_DENIED_ERROR');
        expect(await denied('TRUNCATE TABLE audit_events')).toBe('ER_TABLEACCESS_DENIED_ERROR');
        expect(await denied('DROP TABLE audit_events')).toBe('ER_TABLEACCESS_DENIED_ERROR');
        expect(await denied('SELECT COUNT(*) FROM audit_events')).toBe('allowed');
        expect(await denied('UPDATE service_requests SET status = status WHERE id = 0')).toBe('allowed');
      } finally {
        await connection.end();
      }

      // The api runs under that account: a login (which appends to the trail) works.
      process.env.DATABASE_URL = `mysql://${user}:${password}@127.0.0.1:3306/${database}`;
      restricted = await createApp();
      const res = await request(restricted.getHttpServer())
        .post('/api/v1/auth/login')
        .send({ username: 'admin', password: TEST_ENV.ADMIN_PASSWORD });
      expect(res.status).toBe(200);
    } finally {
      process.env.DATABASE_URL = previousUrl;
      await restricted?.close();
      await db.query(`DROP USER IF EXISTS ${account}`);
    }
  });

  it('records every login and failure in a chain of its own user', async () => {
    await login(app, 'admin', TEST_ENV.ADMIN_PASSWORD);
    const [admin] = (await db.query("SELECT id FROM users WHERE username = 'admin'")) as { id: string }[];
    const report = await verifyAuditTrail(db, { subjectType: 'user', subjectId: String(admin.id) });
    expect(report.events).toBeGreaterThan(0);
    expect(report.problems).toEqual([]);
  });
});
