import type request from 'supertest';
import * as desk from '../fixtures/opening-a-business.js';
import { messageText } from '../fixtures/world.js';

/** Requests (办件): bad and hostile input to the request routes. */
describe('requests (办件)', () => {
  desk.openingABusiness();

  describe('bad input and wrong roles change nothing', () => {
    it.each([
      ['an unknown field', { priority: 'high' }, 'property priority should not exist'],
      ['a form that is text', { form: 'name=示范' }, 'form must be an object'],
      ['a form that is a list', { form: ['a'] }, 'form must be an object'],
      ['materials that are not a list', { materials: 'all of them' }, 'materials must be an array'],
      ['a material without a reference', { materials: [{ code: 'ARTICLES' }] }, 'materials.0.reference'],
      ['an item code in lower case', { itemCode: 'open-biz' }, 'itemCode'],
    ])('refuses a submission with %s with 400', async (_case, overrides, message) => {
      const before = await desk.countRequests(desk.companyA);
      const res = await desk.post('/requests', desk.tokens.applicantA, desk.submission(overrides)).expect(400);
      expect(messageText(res.body)).toContain(message);
      expect(await desk.countRequests(desk.companyA)).toBe(before);
    });

    it('answers an item that is only a draft, or unknown, with 404', async () => {
      const before = await desk.countRequests(desk.companyA);
      const draft = await desk
        .post('/requests', desk.tokens.applicantA, desk.submission({ itemCode: desk.DRAFT_ITEM }))
        .expect(404);
      expect(draft.body.message).toBe(`published item ${desk.DRAFT_ITEM} not found`);
      await desk
        .post('/requests', desk.tokens.applicantA, desk.submission({ itemCode: desk.c('NO-ITEM') }))
        .expect(404);
      expect(await desk.countRequests(desk.companyA)).toBe(before);
    });

    it('refuses deferring a key or unknown material, a blank reason and a 65-character output number with 400', async () => {
      const { id } = await desk.submit();
      const deferred = await desk
        .post(`/requests/${id}/accept`, desk.tokens.clerk, {
          deferredMaterials: [
            { code: 'ARTICLES', dueInWorkingDays: 5 },
            { code: 'NO-SUCH-MATERIAL', dueInWorkingDays: 5 },
          ],
        })
        .expect(400);
      expect(messageText(deferred.body)).toContain('key materials cannot be deferred');
      expect(messageText(deferred.body)).toContain('NO-SUCH-MATERIAL');
      const blank = await desk.post(`/requests/${id}/refuse`, desk.tokens.clerk, { reason: '   ' }).expect(400);
      expect(messageText(blank.body)).toContain('reason must not be blank');
      await desk.post(`/requests/${id}/refuse`, desk.tokens.clerk, {}).expect(400);
      await desk
        .post(`/requests/${id}/supplement-requests`, desk.tokens.clerk, { materials: [], note: 'x' })
        .expect(400);
      await desk
        .post(`/requests/${id}/supplement-requests`, desk.tokens.clerk, {
          materials: ['NO-SUCH-MATERIAL'],
          note: 'x',
        })
        .expect(400);
      expect((await desk.view(id)).status).toBe('submitted');

      await desk.accept(id);
      const longNumber = await desk
        .post(`/requests/${id}/steps/licence/approve`, desk.tokens.approverSAMR, {
          outputNumber: 'N'.repeat(65),
        })
        .expect(400);
      expect(messageText(longNumber.body)).toContain('outputNumber');
      await desk.post(`/requests/${id}/steps/licence/deny`, desk.tokens.approverSAMR, { reason: '   ' }).expect(400);
      await desk
        .post(`/requests/${id}/steps/licence/approve`, desk.tokens.approverSAMR, { decision: 'yes' })
        .expect(400);
      await desk.post(`/requests/${id}/steps/bad%20key/approve`, desk.tokens.approverSAMR, {}).expect(400);
      const after = await desk.view(id);
      expect(desk.statusesOf(after).licence).toBe('active');
      expect(await desk.auditActions(id)).toEqual(['request.submitted', 'request.accepted', 'step.activated']);
    });

    it('refuses a cursor it did not make on /requests and /tasks with 400', async () => {
      const list = await desk.get('/requests?cursor=not-a-cursor', desk.tokens.applicantA).expect(400);
      expect(list.body.message).toBe('cursor is not one this api returned');
      const tasks = await desk.get('/tasks?cursor=not-a-cursor', desk.tokens.approverSAMR).expect(400);
      expect(tasks.body.message).toBe('cursor is not one this api returned');
      await desk.get('/tasks?limit=0', desk.tokens.approverSAMR).expect(400);
      await desk.get('/requests?limit=101', desk.tokens.applicantA).expect(400);
    });

    it('pages /tasks oldest due first: small pages add up to the whole list, in order, without repeats', async () => {
      // More licence steps of SAMR's than a page holds, whichever tests ran before.
      for (let i = 0; i < 4; i++) await desk.accept((await desk.submit()).id);
      const whole = (await desk.get('/tasks?limit=100', desk.tokens.approverSAMR).expect(200)).body.items as {
        requestId: string;
        stepKey: string;
        activatedAt: string;
        departmentCode: string;
        sla: { dueAt: string };
      }[];
      expect(whole.length).toBeGreaterThan(3);
      expect(whole.every((t) => t.departmentCode === desk.DEPT.SAMR)).toBe(true);
      const times = whole.map((t) => Date.parse(t.sla.dueAt));
      expect(times).toEqual([...times].sort((a, b) => a - b));
      const paged: typeof whole = [];
      let cursor: string | null = null;
      do {
        const page: request.Response = await desk
          .get(`/tasks?limit=3${cursor ? `&cursor=${cursor}` : ''}`, desk.tokens.approverSAMR)
          .expect(200);
        paged.push(...page.body.items);
        cursor = page.body.nextCursor;
      } while (cursor && paged.length <= whole.length);
      const keyOf = (t: { requestId: string; stepKey: string }) => `${t.requestId}/${t.stepKey}`;
      expect(paged.map(keyOf)).toEqual(whole.map(keyOf));
    });

    it('answers a role that may not act with 403 and changes nothing', async () => {
      const { id } = await desk.submit();
      const applicantAccepts = await desk.post(`/requests/${id}/accept`, desk.tokens.applicantA).expect(403);
      expect(applicantAccepts.body.message).toBe('role applicant may not do this; allowed: clerk');
      await desk.post(`/requests/${id}/withdraw`, desk.tokens.clerk).expect(403);
      await desk.post('/requests', desk.tokens.manager, desk.submission()).expect(403);
      await desk.post('/requests', desk.tokens.approverSAMR, desk.submission()).expect(403);
      await desk.accept(id);
      const clerkApproves = await desk.post(`/requests/${id}/steps/licence/approve`, desk.tokens.clerk, {}).expect(403);
      expect(clerkApproves.body.message).toBe('role clerk may not do this; allowed: approver, system');
      const tasks = await desk.get('/tasks', desk.tokens.applicantA).expect(403);
      expect(tasks.body.message).toBe('role applicant may not do this; allowed: approver, system');
      await desk.get('/tasks', desk.tokens.manager).expect(403);
      await desk.http().get(`/api/v1/requests/${id}`).expect(401);
      expect(await desk.auditActions(id)).toEqual(['request.submitted', 'request.accepted', 'step.activated']);
    });
  });

  describe('hostile text and JSON are a 400 or kept byte for byte, never a 500', () => {
    it('refuses a lone surrogate in a reason with 400 and leaves the request as it was', async () => {
      const { id } = await desk.submit();
      const res = await desk.post(`/requests/${id}/refuse`, desk.tokens.clerk, { reason: 'x\ud800' }).expect(400);
      expect(messageText(res.body)).toContain('not well-formed Unicode');
      expect((await desk.view(id)).status).toBe('submitted');
      expect(await desk.auditActions(id)).toEqual(['request.submitted']);
    });

    it('counts variation selectors as the database does: 64 emoji presentations of A are 128 characters', async () => {
      const id = (await desk.inParallel()).id;
      const res = await desk
        .post(`/requests/${id}/steps/seal/approve`, desk.approverOf('seal'), {
          outputNumber: 'A\uFE0F'.repeat(64),
        })
        .expect(400);
      expect(messageText(res.body)).toContain('outputNumber must be shorter than or equal to 64 characters');
      expect((await desk.view(id)).steps.find((s) => s.key === 'seal')?.status).toBe('active');
    });

    it('refuses a form nested deeper than the database keeps with 400, and creates nothing', async () => {
      const before = await desk.countRequests(desk.companyA);
      let deep: object = { leaf: 1 };
      for (let i = 0; i < 30; i++) deep = { next: deep };
      const res = await desk.post('/requests', desk.tokens.applicantA, desk.submission({ form: deep })).expect(400);
      expect(messageText(res.body)).toContain('deeper than 24 levels');
      expect(await desk.countRequests(desk.companyA)).toBe(before);
    });

    it('refuses a form key the framework would drop (constructor) with 400, and creates nothing', async () => {
      const before = await desk.countRequests(desk.companyA);
      const body = JSON.stringify(desk.submission()).replace('"form":{', '"form":{"constructor":"c",');
      const res = await desk.postText('/requests', desk.tokens.applicantA, body).expect(400);
      expect(messageText(res.body)).toContain('key named constructor');
      expect(await desk.countRequests(desk.companyA)).toBe(before);
    });

    it('keeps form keys that are names of object methods, emoji and 4-byte characters as sent', async () => {
      const form = JSON.parse(
        '{"companyName":"示范科技有限公司","toString":{"hasOwnProperty":1},"名称":"示范😀𠀀","sql":"\'; DROP TABLE service_requests; --","html":"<b>x</b>"}',
      ) as object;
      const created = await desk
        .post('/requests', desk.tokens.applicantA, desk.submission({ form }), `form-${desk.u}`)
        .expect(201);
      expect(created.body.form).toEqual(form);
      const read = await desk.get(`/requests/${created.body.id}`, desk.tokens.applicantA).expect(200);
      expect(read.body.form).toEqual(form);
      const replay = await desk
        .post('/requests', desk.tokens.applicantA, desk.submission({ form }), `form-${desk.u}`)
        .expect(201);
      expect(replay.body.id).toBe(created.body.id);
    });

    it('refuses a withdrawal that carries fields with 400', async () => {
      const { id } = await desk.submit();
      const res = await desk
        .post(`/requests/${id}/withdraw`, desk.tokens.applicantA, { reason: 'changed my mind' })
        .expect(400);
      expect(messageText(res.body)).toContain('property reason should not exist');
      expect((await desk.view(id)).status).toBe('submitted');
    });

    it('treats idempotency keys that differ only in case as two keys', async () => {
      const before = await desk.countRequests(desk.companyA);
      const lower = await desk
        .post('/requests', desk.tokens.applicantA, desk.submission(), `case-${desk.u}-abc`)
        .expect(201);
      const upper = await desk
        .post('/requests', desk.tokens.applicantA, desk.submission(), `case-${desk.u}-ABC`)
        .expect(201);
      expect(upper.body.id).not.toBe(lower.body.id);
      expect(await desk.countRequests(desk.companyA)).toBe(before + 2);
    });
  });
});
