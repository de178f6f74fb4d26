import * as desk from '../fixtures/opening-a-business.js';
import { messageText } from '../fixtures/world.js';

/** Requests (办件): Idempotency-Key on submissions and actions. */
describe('requests (办件)', () => {
  desk.openingABusiness();

  describe('Idempotency-Key', () => {
    it('a retried submission returns the first response and creates one request', async () => {
      const key = `submit-${desk.u}-1`;
      const before = await desk.countRequests(desk.companyA);
      const first = await desk.post('/requests', desk.tokens.applicantA, desk.submission(), key).expect(201);
      const again = await desk.post('/requests', desk.tokens.applicantA, desk.submission(), key).expect(201);
      expect(again.body).toEqual(first.body);
      expect(await desk.countRequests(desk.companyA)).toBe(before + 1);
      expect(await desk.auditActions(first.body.id)).toEqual(['request.submitted']);
    });

    it('the same key with another body is a 422 and creates nothing', async () => {
      const key = `submit-${desk.u}-2`;
      await desk.post('/requests', desk.tokens.applicantA, desk.submission(), key).expect(201);
      const before = await desk.countRequests(desk.companyA);
      const res = await desk
        .post('/requests', desk.tokens.applicantA, desk.submission({ form: { companyName: '另一家公司' } }), key)
        .expect(422);
      expect(messageText(res.body)).toContain('Idempotency-Key');
      expect(await desk.countRequests(desk.companyA)).toBe(before);
    });

    it("a key is the user's own: another user's same key is a request of its own", async () => {
      const key = `submit-${desk.u}-3`;
      const a = await desk.post('/requests', desk.tokens.applicantA, desk.submission(), key).expect(201);
      const b = await desk.post('/requests', desk.tokens.applicantB, desk.submission(), key).expect(201);
      expect(b.body.id).not.toBe(a.body.id);
      expect(b.body.companyUscc).toBe(desk.companyB);
    });

    it('a retried accept answers 200 twice with one body and one request.accepted', async () => {
      const { id } = await desk.submit();
      const key = `accept-${desk.u}`;
      const first = await desk.post(`/requests/${id}/accept`, desk.tokens.clerk, {}, key).expect(200);
      const again = await desk.post(`/requests/${id}/accept`, desk.tokens.clerk, {}, key).expect(200);
      expect(again.body).toEqual(first.body);
      expect(desk.count(await desk.auditActions(id), 'request.accepted')).toBe(1);
      // Without the key, a second accept is an illegal transition.
      const plain = await desk.post(`/requests/${id}/accept`, desk.tokens.clerk).expect(409);
      expect(plain.body.state).toBe('in_progress');
    });

    it('a retried approval replays; the same key on another step is a 422', async () => {
      const { id } = await desk.inParallel();
      const key = `approve-${desk.u}`;
      const first = await desk.post(`/requests/${id}/steps/seal/approve`, desk.tokens.approverPSB, {}, key).expect(200);
      const again = await desk.post(`/requests/${id}/steps/seal/approve`, desk.tokens.approverPSB, {}, key).expect(200);
      expect(again.body).toEqual(first.body);
      // licence and seal: the replay approved nothing.
      expect(desk.count(await desk.auditActions(id), 'step.approved')).toBe(2);
      await desk
        .post(`/requests/${id}/steps/seal/approve`, desk.tokens.approverPSB, { comment: 'again' }, key)
        .expect(422);
    });

    describe('at once, on a database that holds expired keys (as any deployment older than a day does)', () => {
      const expired = `expired-${desk.u}`;

      beforeAll(async () => {
        // Keys older than 24 h stay in the table until the same key is used again; a day-old
        // deployment has many. They change how the database plans the expiry check of a new key.
        const users = (await desk.db.query('SELECT id FROM users WHERE username IN (?, ?)', [
          desk.username('applicantA'),
          desk.username('clerk'),
        ])) as { id: string | number }[];
        const rows = users.flatMap(({ id }) =>
          Array.from({ length: 150 }, (_, i) => [
            id,
            `${expired}-${i}`,
            'f'.repeat(64),
            new Date(Date.now() - 3 * 86_400_000),
          ]),
        );
        await desk.db.query(
          `INSERT INTO idempotency_keys (user_id, idempotency_key, fingerprint, created_at) VALUES ${rows.map(() => '(?, ?, ?, ?)').join(', ')}`,
          rows.flat(),
        );
      });

      afterAll(async () => {
        await desk.db.query('DELETE FROM idempotency_keys WHERE idempotency_key LIKE ?', [`${expired}-%`]);
      });

      it('two submissions with one key create one request, and both answer 201 with it', async () => {
        // Several pairs, so a race lost now and then shows up.
        const rounds = 5;
        const before = await desk.countRequests(desk.companyA);
        for (let round = 0; round < rounds; round++) {
          const key = `submit-${desk.u}-race-${round}`;
          const results = await Promise.all([
            desk.post('/requests', desk.tokens.applicantA, desk.submission(), key),
            desk.post('/requests', desk.tokens.applicantA, desk.submission(), key),
          ]);
          expect(results.map((r) => [r.status, r.body.message])).toEqual([
            [201, undefined],
            [201, undefined],
          ]);
          expect(results[1].body.id).toBe(results[0].body.id);
          expect(results[1].body.number).toBe(results[0].body.number);
        }
        expect(await desk.countRequests(desk.companyA)).toBe(before + rounds);
      });

      it('two accepts with one key both answer 200 with one body, and accept once', async () => {
        for (let round = 0; round < 3; round++) {
          const { id } = await desk.submit();
          const key = `accept-${desk.u}-race-${round}`;
          const results = await Promise.all([
            desk.post(`/requests/${id}/accept`, desk.tokens.clerk, {}, key),
            desk.post(`/requests/${id}/accept`, desk.tokens.clerk, {}, key),
          ]);
          expect(results.map((r) => [r.status, r.body.message])).toEqual([
            [200, undefined],
            [200, undefined],
          ]);
          expect(results[1].body).toEqual(results[0].body);
          expect(desk.count(await desk.auditActions(id), 'request.accepted')).toBe(1);
        }
      });
    });

    it('a replay answers the first response even after the request has moved on; the key on another request is a 422', async () => {
      const { id } = await desk.submit();
      const key = `accept-late-${desk.u}`;
      const first = await desk.post(`/requests/${id}/accept`, desk.tokens.clerk, {}, key).expect(200);
      await desk.post(`/requests/${id}/withdraw`, desk.tokens.applicantA).expect(200);
      const replay = await desk.post(`/requests/${id}/accept`, desk.tokens.clerk, {}, key).expect(200);
      expect(replay.body).toEqual(first.body);
      expect((await desk.view(id)).status).toBe('withdrawn');
      const other = await desk.submit();
      await desk.post(`/requests/${other.id}/accept`, desk.tokens.clerk, {}, key).expect(422);
      expect((await desk.view(other.id)).status).toBe('submitted');
    });

    it('an invalid key is a 400 and creates nothing', async () => {
      const before = await desk.countRequests(desk.companyA);
      const res = await desk.post('/requests', desk.tokens.applicantA, desk.submission(), 'k'.repeat(200)).expect(400);
      expect(messageText(res.body)).toContain('Idempotency-Key');
      await desk.post('/requests', desk.tokens.applicantA, desk.submission(), 'has space').expect(400);
      expect(await desk.countRequests(desk.companyA)).toBe(before);
    });
  });

  // ---- 11 ----------------------------------------------------------------------------------------
});
