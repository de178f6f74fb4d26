import { AuditWriter, type ChainHead, verifyAuditTrail } from '#audit';
import { SystemClock } from '#common';
import { readRequestAndSteps } from '../../libs/requests/src/request-rows.js';
import * as desk from '../fixtures/opening-a-business.js';
import { eventually } from '../helpers.js';

/** Requests (办件): concurrent actions on one request, and the audit chain they leave. */
describe('requests (办件)', () => {
  desk.openingABusiness();

  describe('races', () => {
    it('of two concurrent approvals of one step exactly one succeeds; the other is a 409 naming the state', async () => {
      const { id } = await desk.submit();
      await desk.accept(id);
      const results = await Promise.all([
        desk.post(`/requests/${id}/steps/licence/approve`, desk.tokens.approverSAMR, { outputNumber: 'LIC-A' }),
        desk.post(`/requests/${id}/steps/licence/approve`, desk.tokens.approverSAMR, { outputNumber: 'LIC-B' }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
      const loser = results.find((r) => r.status === 409)!;
      expect(loser.body.state).toBe('approved');
      const after = await desk.view(id);
      expect(desk.statusesOf(after)).toMatchObject({ licence: 'approved', seal: 'active' });
      const actions = await desk.auditActions(id);
      expect(desk.count(actions, 'step.approved')).toBe(1);
      expect(desk.count(actions, 'step.activated')).toBe(6);
    });

    it('five parallel approvals fired at once all succeed and complete each request exactly once', async () => {
      const requests = await Promise.all(Array.from({ length: 5 }, () => desk.inParallel()));
      const results = await Promise.all(
        requests.flatMap(({ id }) =>
          desk.PARALLEL.map((step) => desk.post(`/requests/${id}/steps/${step}/approve`, desk.approverOf(step), {})),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(Array(25).fill(200));
      for (const { id } of requests) {
        const done = await desk.view(id);
        expect(done.status).toBe('completed');
        expect(done.outputs).toHaveLength(6);
        expect(new Set(done.outputs.map((o) => o.issuedAt))).toEqual(new Set([done.completedAt]));
        const actions = await desk.auditActions(id);
        expect(desk.count(actions, 'request.completed')).toBe(1);
        expect(desk.count(actions, 'step.approved')).toBe(6);
        const outbox = (await desk.outboxEvents(id)).map((r) => r.type);
        expect(desk.count(outbox, 'request.completed')).toBe(1);
      }
      // Exactly one of each request's five concurrent answers says completed.
      for (const { id } of requests) {
        const completedAnswers = results.filter((r) => r.body.id === id && r.body.status === 'completed');
        expect(completedAnswers).toHaveLength(1);
      }
    });

    it('an action waits for the request’s row lock before it locks any step or its audit chain, then sees the steps as the holder left them', async () => {
      const { id } = await desk.inParallel();
      const holder = desk.db.createQueryRunner();
      const other = desk.db.createQueryRunner();
      await holder.startTransaction('READ COMMITTED');
      try {
        const [{ connection }] = (await holder.query(
          'SELECT CONNECTION_ID() AS connection FROM service_requests WHERE id = ? FOR UPDATE',
          [id],
        )) as { connection: number | string }[];
        const approving = desk.post(`/requests/${id}/steps/seal/approve`, desk.approverOf('seal'), {}).then((r) => r);
        await eventually(async () => {
          const waiting = (await desk.db.query(
            "SELECT trx_mysql_thread_id AS thread FROM information_schema.INNODB_TRX WHERE trx_state = 'LOCK WAIT'",
          )) as { thread: number | string }[];
          return waiting.some((w) => String(w.thread) !== String(connection)) || undefined;
        }, 'the approval to wait for the request’s lock');
        // While it waits, none of the request's steps is locked: another transaction locks them all at once.
        await other.startTransaction('READ COMMITTED');
        const steps = (await other.query('SELECT step_key FROM request_steps WHERE request_id = ? FOR UPDATE NOWAIT', [
          id,
        ])) as unknown[];
        expect(steps).toHaveLength(desk.STEP_KEYS.length);
        const chain = (await other.query(
          "SELECT last_seq FROM audit_chains WHERE subject_type = 'request' AND subject_id = ? FOR UPDATE NOWAIT",
          [id],
        )) as unknown[];
        expect(chain).toHaveLength(1);
        await other.rollbackTransaction();
        // The holder decides the step meanwhile (as a parallel approval would): the waiting one sees it decided.
        await holder.query("UPDATE request_steps SET status = 'approved' WHERE request_id = ? AND step_key = 'seal'", [
          id,
        ]);
        await holder.commitTransaction();
        const answer = await approving;
        expect(answer.status).toBe(409);
        expect(answer.body.state).toBe('approved');
      } finally {
        if (holder.isTransactionActive) await holder.rollbackTransaction();
        if (other.isTransactionActive) await other.rollbackTransaction();
        await holder.release();
        await other.release();
      }
    });

    it('a change locks its request’s audit chain head with its row; a head gone stale cannot fork the chain', async () => {
      const { id } = await desk.inParallel();
      const audit = new AuditWriter(new SystemClock());
      const entry = { subjectType: 'request', subjectId: id, action: 'test.noted', actor: null };
      const holder = desk.db.createQueryRunner();
      const other = desk.db.createQueryRunner();
      let head: ChainHead | undefined;
      await holder.startTransaction('READ COMMITTED');
      try {
        head = (await readRequestAndSteps(holder.manager, id, true))!.auditHead!;
        expect(head).toMatchObject({ type: 'request', id, seq: (await desk.auditActions(id)).length });
        // Another writer of the chain (a licence's revocation appends to it without the request's row) waits.
        await other.startTransaction('READ COMMITTED');
        await expect(
          other.query(
            "SELECT last_seq FROM audit_chains WHERE subject_type = 'request' AND subject_id = ? FOR UPDATE NOWAIT",
            [id],
          ),
        ).rejects.toThrow(/lock/i);
        await other.rollbackTransaction();
        await audit.appendMany(holder.manager, [entry], { subjectsExist: true, locked: [head] });
        await holder.commitTransaction();
      } finally {
        if (holder.isTransactionActive) await holder.rollbackTransaction();
        if (other.isTransactionActive) await other.rollbackTransaction();
        await holder.release();
        await other.release();
      }
      expect((await desk.auditActions(id)).at(-1)).toBe('test.noted');
      // The same head again, now behind the chain: its seq is taken, so the append fails and writes nothing.
      await expect(
        desk.db.transaction('READ COMMITTED', (m) =>
          audit.appendMany(m, [entry], { subjectsExist: true, locked: [head!] }),
        ),
      ).rejects.toThrow(/Duplicate/);
      expect(desk.count(await desk.auditActions(id), 'test.noted')).toBe(1);
      const report = await verifyAuditTrail(desk.db, { subjectType: 'request', subjectId: id });
      expect(report.problems).toEqual([]);
    });

    it('two accepts at once: one 200 and one 409; clerks of two halls: the loser no longer sees it (404)', async () => {
      const same = await desk.submit();
      const twice = await Promise.all([
        desk.post(`/requests/${same.id}/accept`, desk.tokens.clerk),
        desk.post(`/requests/${same.id}/accept`, desk.tokens.clerk),
      ]);
      expect(twice.map((r) => r.status).sort()).toEqual([200, 409]);
      expect(twice.find((r) => r.status === 409)!.body.state).toBe('in_progress');
      expect(desk.count(await desk.auditActions(same.id), 'request.accepted')).toBe(1);
      expect(desk.count(await desk.auditActions(same.id), 'step.activated')).toBe(1);

      const contested = await desk.submit();
      const halls = await Promise.all([
        desk.post(`/requests/${contested.id}/accept`, desk.tokens.clerk),
        desk.post(`/requests/${contested.id}/accept`, desk.tokens.otherClerk),
      ]);
      // Whoever accepts first takes it for their hall; to the other hall it is no longer theirs.
      expect(halls.map((r) => r.status).sort()).toEqual([200, 404]);
      const winner = halls[0].status === 200 ? desk.HALL : desk.OTHER_HALL;
      expect((await desk.view(contested.id)).hallCode).toBe(winner);
      expect(desk.count(await desk.auditActions(contested.id), 'request.accepted')).toBe(1);
    });

    it('a withdrawal racing the last approval: exactly one wins and the request ends once', async () => {
      const requests = await Promise.all(Array.from({ length: 3 }, () => desk.inParallel()));
      for (const { id } of requests) {
        for (const step of ['seal', 'tax', 'social', 'fund'] as const) await desk.approve(id, step);
      }
      const results = await Promise.all(
        requests.flatMap(({ id }) => [
          desk.post(`/requests/${id}/steps/bank/approve`, desk.tokens.approverSAMR, {}),
          desk.post(`/requests/${id}/withdraw`, desk.tokens.applicantA),
        ]),
      );
      for (let i = 0; i < requests.length; i++) {
        const [approval, withdrawal] = [results[2 * i], results[2 * i + 1]];
        expect([approval.status, withdrawal.status].sort()).toEqual([200, 409]);
        const final = await desk.view(requests[i].id);
        expect(['completed', 'withdrawn']).toContain(final.status);
        const actions = await desk.auditActions(requests[i].id);
        expect(desk.count(actions, 'request.completed') + desk.count(actions, 'request.withdrawn')).toBe(1);
        if (final.status === 'completed') expect(final.outputs).toHaveLength(6);
        else expect(final.outputs).toEqual([]);
      }
    });

    it('twenty concurrent submissions get twenty distinct numbers', async () => {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          desk.post('/requests', i % 2 ? desk.tokens.applicantA : desk.tokens.applicantB, desk.submission()),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
      const numbers = results.map((r) => r.body.number as string);
      expect(new Set(numbers).size).toBe(20);
      for (const n of numbers) expect(n).toMatch(/^GX\d{14}$/);
      expect(new Set(results.map((r) => r.body.id)).size).toBe(20);
    });
  });

  // ---- 10 ----------------------------------------------------------------------------------------

  describe('audit trail', () => {
    it('every request’s events, the races’ included, form an intact hash chain', async () => {
      const [{ n }] = (await desk.db.query('SELECT COUNT(*) AS n FROM service_requests WHERE company_uscc IN (?, ?)', [
        desk.companyA,
        desk.companyB,
      ])) as { n: string }[];
      const report = await verifyAuditTrail(desk.db, { subjectType: 'request' });
      expect(report.problems).toEqual([]);
      expect(report.chains).toBeGreaterThanOrEqual(Number(n));
    });
  });
});
