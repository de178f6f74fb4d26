import * as desk from '../fixtures/opening-a-business.js';
import { messageText } from '../fixtures/world.js';

/** Requests (办件): who sees and lists which requests. */
describe('requests (办件)', () => {
  desk.openingABusiness();

  describe('scoping: not yours is 404, never 403', () => {
    it("another company's applicant can neither read, withdraw nor trace a request", async () => {
      const { id } = await desk.submit();
      const read = await desk.get(`/requests/${id}`, desk.tokens.applicantB).expect(404);
      expect(read.body).toEqual({ statusCode: 404, error: 'Not Found', message: `request ${id} not found` });
      await desk.get(`/requests/${id}/timeline`, desk.tokens.applicantB).expect(404);
      await desk.post(`/requests/${id}/withdraw`, desk.tokens.applicantB).expect(404);
      await desk
        .post(`/requests/${id}/supplements`, desk.tokens.applicantB, { materials: desk.materialsOf(['PREMISES']) })
        .expect(404);
      expect((await desk.view(id)).status).toBe('submitted');
    });

    it("a clerk sees online submissions and their own hall's requests, not another hall's", async () => {
      const online = await desk.submit();
      await desk.get(`/requests/${online.id}`, desk.tokens.clerk).expect(200);
      await desk.get(`/requests/${online.id}`, desk.tokens.otherClerk).expect(200);
      const listed = await desk.get(`/requests?itemCode=${desk.ITEM}&limit=100`, desk.tokens.otherClerk).expect(200);
      expect(listed.body.items.map((r: desk.RequestView) => r.id)).toContain(online.id);

      await desk.accept(online.id);
      const hidden = await desk.get(`/requests/${online.id}`, desk.tokens.otherClerk).expect(404);
      expect(hidden.body.message).toBe(`request ${online.id} not found`);
      await desk.get(`/requests/${online.id}/timeline`, desk.tokens.otherClerk).expect(404);
      await desk.post(`/requests/${online.id}/refuse`, desk.tokens.otherClerk, { reason: 'x' }).expect(404);
      const otherList = await desk.get(`/requests?itemCode=${desk.ITEM}&limit=100`, desk.tokens.otherClerk).expect(200);
      expect(otherList.body.items.map((r: desk.RequestView) => r.id)).not.toContain(online.id);
      for (const r of otherList.body.items as desk.RequestView[]) expect([null, desk.OTHER_HALL]).toContain(r.hallCode);
      await desk.get(`/requests/${online.id}`, desk.tokens.clerk).expect(200);
    });

    it('an approver sees only requests with a step of their department, and decides only their own steps', async () => {
      const { id } = await desk.inParallel();
      await desk.get(`/requests/${id}`, desk.tokens.approverExtra).expect(404);
      await desk.get(`/requests/${id}/timeline`, desk.tokens.approverExtra).expect(404);
      const list = await desk.get('/requests?limit=100', desk.tokens.approverExtra).expect(200);
      expect(list.body.items.map((r: desk.RequestView) => r.id)).not.toContain(id);
      await desk.post(`/requests/${id}/steps/tax/approve`, desk.tokens.approverExtra, {}).expect(404);

      await desk.get(`/requests/${id}`, desk.tokens.approverPSB).expect(200);
      const notTheirs = await desk.post(`/requests/${id}/steps/tax/approve`, desk.tokens.approverPSB, {}).expect(404);
      expect(notTheirs.body.message).toBe(`step tax of request ${id} not found`);
      await desk.post(`/requests/${id}/steps/tax/deny`, desk.tokens.approverPSB, { reason: 'x' }).expect(404);
      await desk.post(`/requests/${id}/steps/no-such-step/approve`, desk.tokens.approverPSB, {}).expect(404);
      expect(desk.statusesOf(await desk.view(id)).tax).toBe('active');
    });

    it("lists an applicant's company's requests only, with status and itemCode filters; a manager sees all", async () => {
      const mineOpen = await desk.submit(desk.tokens.applicantA);
      const mineWithdrawn = await desk.submit(desk.tokens.applicantA);
      await desk.post(`/requests/${mineWithdrawn.id}/withdraw`, desk.tokens.applicantA).expect(200);
      const theirs = await desk.submit(desk.tokens.applicantB);

      const all = await desk.get('/requests?limit=100', desk.tokens.applicantA).expect(200);
      const ids = all.body.items.map((r: desk.RequestView) => r.id);
      expect(ids).toEqual(expect.arrayContaining([mineOpen.id, mineWithdrawn.id]));
      expect(ids).not.toContain(theirs.id);
      for (const r of all.body.items as desk.RequestView[]) expect(r.companyUscc).toBe(desk.companyA);
      // Newest first.
      expect(ids.indexOf(mineWithdrawn.id)).toBeLessThan(ids.indexOf(mineOpen.id));

      const withdrawn = await desk
        .get(`/requests?status=withdrawn&itemCode=${desk.ITEM}&limit=100`, desk.tokens.applicantA)
        .expect(200);
      expect(withdrawn.body.items.map((r: desk.RequestView) => r.id)).toContain(mineWithdrawn.id);
      expect(withdrawn.body.items.map((r: desk.RequestView) => r.id)).not.toContain(mineOpen.id);
      for (const r of withdrawn.body.items as desk.RequestView[]) {
        expect(r).toMatchObject({ status: 'withdrawn', itemCode: desk.ITEM, companyUscc: desk.companyA });
      }
      const otherItem = await desk.get(`/requests?itemCode=${desk.DRAFT_ITEM}`, desk.tokens.applicantA).expect(200);
      expect(otherItem.body).toEqual({ items: [], nextCursor: null });

      const bList = await desk.get('/requests?limit=100', desk.tokens.applicantB).expect(200);
      for (const r of bList.body.items as desk.RequestView[]) expect(r.companyUscc).toBe(desk.companyB);
      expect(bList.body.items.map((r: desk.RequestView) => r.id)).toContain(theirs.id);

      const managed = await desk.get(`/requests?itemCode=${desk.ITEM}&limit=100`, desk.tokens.manager).expect(200);
      expect(managed.body.items.map((r: desk.RequestView) => r.id)).toEqual(
        expect.arrayContaining([mineOpen.id, mineWithdrawn.id, theirs.id]),
      );
      await desk.get(`/requests/${theirs.id}`, desk.tokens.manager).expect(200);
    });

    it('pages the list with limit and cursor, without repeats', async () => {
      const first = await desk.get(`/requests?itemCode=${desk.ITEM}&limit=2`, desk.tokens.applicantA).expect(200);
      expect(first.body.items).toHaveLength(2);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await desk
        .get(`/requests?itemCode=${desk.ITEM}&limit=2&cursor=${first.body.nextCursor}`, desk.tokens.applicantA)
        .expect(200);
      const firstIds = first.body.items.map((r: desk.RequestView) => Number(r.id));
      const secondIds = second.body.items.map((r: desk.RequestView) => Number(r.id));
      expect(Math.min(...firstIds)).toBeGreaterThan(Math.max(...secondIds));
    });

    it('answers an unknown status filter and a non-numeric id with 400, an id that is nobody’s with 404', async () => {
      const status = await desk.get('/requests?status=lost', desk.tokens.applicantA).expect(400);
      expect(messageText(status.body)).toContain('status must be one of');
      await desk.get('/requests/abc', desk.tokens.applicantA).expect(400);
      await desk.get('/requests/0', desk.tokens.applicantA).expect(400);
      await desk.get('/requests/1e5', desk.tokens.admin).expect(400);
      await desk.get('/requests/99999999999999999999', desk.tokens.admin).expect(400);
      const huge = await desk.get('/requests/9999999999999999999', desk.tokens.admin).expect(404);
      expect(huge.body.message).toBe('request 9999999999999999999 not found');
      await desk.post('/requests/9999999999999999999/accept', desk.tokens.clerk).expect(404);
      await desk.get('/requests/9999999999999999999/timeline', desk.tokens.applicantA).expect(404);
    });
  });

  // ---- 9 -----------------------------------------------------------------------------------------
});
