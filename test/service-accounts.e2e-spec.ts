import type { INestApplication } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { apiOf, buildWorld, plainItem, plainMatter, randomUscc, type World } from './fixtures/world.js';
import { createApp, unique } from './helpers.js';

interface Created {
  id: string;
  name: string;
  departmentCode: string;
  keyId: string;
  apiKey: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/**
 * 部门业务系统: a department's own system calls the api with its service account's API key. It
 * lists its department's waiting steps and approves, denies or asks for a supplement on them, as an
 * approver of that department does, and nothing else; its actions are on the timeline as that
 * system. Only an admin manages the accounts, whose keys are shown once and refused once revoked.
 */
describe('service accounts: the departments’ own systems', () => {
  let app: INestApplication;
  let db: DataSource;
  let world: World;
  const u = unique().toUpperCase();
  const A = `SA-A-${u}`;
  const B = `SA-B-${u}`;
  const BOTH = `SA-AB-${u}`;
  const ONLY_B = `SA-B-ONLY-${u}`;
  const company = randomUscc();
  const { get, post } = apiOf(() => app);
  const matter = (code: string, departmentCode: string) => plainMatter(code, departmentCode, '业务系统测试');
  const item = (code: string, steps: { key: string; matterCode: string }[]) => plainItem(code, steps, '业务系统测试');
  const name = (what: string) => `sa-${what}-${u}`.toLowerCase();

  let systemA: Created;
  let systemB: Created;

  /** A request of the item, submitted online and accepted by the clerk: its steps are active. */
  const inProgress = async (itemCode: string): Promise<string> => {
    const submitted = await post('/requests', world.tokens.applicant, {
      itemCode,
      form: {},
      materials: [{ code: 'FORM', reference: 'file:form.pdf' }],
    }).expect(201);
    const id = String(submitted.body.id);
    await post(`/requests/${id}/accept`, world.tokens.clerk, {}).expect(200);
    return id;
  };

  const create = async (what: string, departmentCode: string): Promise<Created> =>
    (await post('/service-accounts', world.tokens.admin, { name: name(what), departmentCode }).expect(201))
      .body as Created;

  const auditActions = async (subjectType: string, subjectId: string): Promise<string[]> =>
    (
      (await db.query('SELECT action FROM audit_events WHERE subject_type = ? AND subject_id = ? ORDER BY seq', [
        subjectType,
        subjectId,
      ])) as { action: string }[]
    ).map((row) => row.action);

  beforeAll(async () => {
    app = await createApp();
    db = app.get(getDataSourceToken());
    world = await buildWorld(app, {
      departments: [
        { code: A, name: '业务系统测试甲' },
        { code: B, name: '业务系统测试乙' },
      ],
      halls: [{ code: `SA-H-${u}`, name: '业务系统测试大厅', level: 'centre' }],
      matters: [matter(`${A}-M`, A), matter(`${B}-M`, B)],
      items: [
        item(BOTH, [
          { key: 'a', matterCode: `${A}-M` },
          { key: 'b', matterCode: `${B}-M` },
        ]),
        item(ONLY_B, [{ key: 'b', matterCode: `${B}-M` }]),
      ],
      companies: [{ uscc: company, name: '业务系统测试公司' }],
      users: {
        applicant: { role: 'applicant', companyUscc: company },
        clerk: { role: 'clerk', hallCode: `SA-H-${u}` },
        approverA: { role: 'approver', departmentCode: A },
      },
      username: (key) => `sa-${key}-${u}`,
    });
    systemA = await create('a', A);
    systemB = await create('b', B);
  });

  afterAll(async () => {
    await app?.close();
  });

  describe('managed by an admin only', () => {
    it('creates an account with a key shown once, audited', async () => {
      expect(systemA).toMatchObject({ name: name('a'), departmentCode: A, lastUsedAt: null, revokedAt: null });
      expect(systemA.apiKey).toMatch(new RegExp(`^otk_${systemA.keyId}_[A-Za-z0-9_-]{43}$`));
      expect(await auditActions('service_account', systemA.id)).toEqual(['service_account.created']);
      const [event] = (await db.query(
        "SELECT payload FROM audit_events WHERE subject_type = 'service_account' AND subject_id = ?",
        [systemA.id],
      )) as { payload: unknown }[];
      expect(JSON.stringify(event.payload)).not.toContain(systemA.apiKey.slice(-43));
    });

    it('refuses anyone but an admin, and a caller without a token', async () => {
      for (const caller of ['applicant', 'clerk', 'approverA'] as const) {
        const token = world.tokens[caller];
        await post('/service-accounts', token, { name: name(`by-${caller}`), departmentCode: A }).expect(403);
        await get('/service-accounts', token).expect(403);
        await post(`/service-accounts/${systemB.id}/revoke`, token).expect(403);
      }
      await post('/service-accounts', systemA.apiKey, { name: name('by-system'), departmentCode: A }).expect(403);
      await get('/service-accounts', systemA.apiKey).expect(403);
      await get('/service-accounts').expect(401);
      const [{ n }] = (await db.query('SELECT COUNT(*) AS n FROM service_accounts WHERE name LIKE ?', [
        `sa-by-%-${u}`.toLowerCase(),
      ])) as { n: string }[];
      expect(Number(n)).toBe(0);
      const listed = (await get('/service-accounts?limit=100', world.tokens.admin).expect(200)).body.items as Created[];
      expect(listed.find((a) => a.id === systemB.id)?.revokedAt).toBeNull();
    });

    it('refuses an unknown department, a taken name and a malformed one, changing nothing', async () => {
      const unknown = await post('/service-accounts', world.tokens.admin, {
        name: name('nowhere'),
        departmentCode: `NOWHERE-${u}`,
      }).expect(400);
      expect(unknown.body.message).toBe(`department NOWHERE-${u} does not exist`);
      const taken = await post('/service-accounts', world.tokens.admin, { name: name('a'), departmentCode: B }).expect(
        409,
      );
      expect(taken.body.message).toBe(`service account ${name('a')} already exists`);
      await post('/service-accounts', world.tokens.admin, { name: 'a b', departmentCode: A }).expect(400);
      await post('/service-accounts', world.tokens.admin, { name: name('x'), departmentCode: A, role: 'admin' }).expect(
        400,
      );
      await post('/service-accounts/abc/revoke', world.tokens.admin).expect(400);
      await post('/service-accounts/1/revoke', world.tokens.admin).expect(404);
      const [{ n }] = (await db.query('SELECT COUNT(*) AS n FROM service_accounts WHERE name IN (?)', [
        [name('nowhere'), name('x')],
      ])) as { n: string }[];
      expect(Number(n)).toBe(0);
    });

    it('never lists a key or its hash', async () => {
      const listed = await get('/service-accounts?limit=100', world.tokens.admin).expect(200);
      const mine = (listed.body.items as Record<string, unknown>[]).find((a) => a.id === systemA.id);
      expect(Object.keys(mine ?? {}).sort()).toEqual(
        ['createdAt', 'departmentCode', 'id', 'keyId', 'lastUsedAt', 'name', 'revokedAt'].sort(),
      );
      expect(listed.text).not.toContain(systemA.apiKey.slice(-43));
      expect(listed.text).not.toContain(systemB.apiKey.slice(-43));
      const [row] = (await db.query('SELECT key_hash FROM service_accounts WHERE id = ?', [systemA.id])) as {
        key_hash: string;
      }[];
      expect(row.key_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(listed.text).not.toContain(row.key_hash);
    });
  });

  describe("a department's whole loop with its key", () => {
    it('lists its waiting steps, approves one, denies another request’s, asks for a supplement', async () => {
      const [approveMe, denyMe, askMe] = [await inProgress(BOTH), await inProgress(BOTH), await inProgress(BOTH)];
      const onlyB = await inProgress(ONLY_B);

      const tasks: { requestId: string; stepKey: string }[] = [];
      let cursor: string | undefined;
      do {
        const page = await get(`/tasks?limit=100${cursor ? `&cursor=${cursor}` : ''}`, systemA.apiKey).expect(200);
        tasks.push(...(page.body.items as { requestId: string; stepKey: string }[]));
        cursor = page.body.nextCursor ?? undefined;
      } while (cursor);
      const mine = tasks.filter((t) => [approveMe, denyMe, askMe, onlyB].includes(t.requestId));
      expect(mine.map((t) => `${t.requestId}|${t.stepKey}`).sort()).toEqual(
        [approveMe, denyMe, askMe].map((id) => `${id}|a`).sort(),
      );

      const read = await get(`/requests/${approveMe}`, systemA.apiKey).expect(200);
      const stepA = (read.body.steps as { key: string; allowedActions: string[] }[]).find((s) => s.key === 'a');
      // It decides; special procedures stay with the department's people.
      expect(stepA?.allowedActions).toEqual(['approve', 'deny', 'request-supplement']);

      const approved = await post(`/requests/${approveMe}/steps/a/approve`, systemA.apiKey, {
        comment: '系统审核通过',
      }).expect(200);
      expect(approved.body.steps.find((s: { key: string }) => s.key === 'a').status).toBe('approved');
      expect(approved.body.status).toBe('in_progress');

      const denied = await post(`/requests/${denyMe}/steps/a/deny`, systemA.apiKey, { reason: '不符合条件' }).expect(
        200,
      );
      expect(denied.body.status).toBe('denied');

      const asked = await post(`/requests/${askMe}/steps/a/supplement-requests`, systemA.apiKey, {
        materials: ['FORM'],
        note: '请补正申请表',
      }).expect(200);
      expect(asked.body.status).toBe('supplement_required');

      // The timeline shows the system as the actor, with its name and the role `system`.
      const timeline = await get(`/requests/${approveMe}/timeline?limit=100`, world.tokens.admin).expect(200);
      const event = (
        timeline.body.items as { action: string; actor: { id: string; username: string; role: string } }[]
      ).find((e) => e.action === 'step.approved');
      expect(event?.actor).toEqual({ id: systemA.id, username: systemA.name, role: 'system' });
      for (const [id, action] of [
        [denyMe, 'request.denied'],
        [askMe, 'request.supplement-requested'],
      ]) {
        const events = (await get(`/requests/${id}/timeline?limit=100`, world.tokens.admin).expect(200)).body.items as {
          action: string;
          actor: { role: string; username: string } | null;
        }[];
        const decision = events.filter((e) => e.action === action).at(-1);
        expect(decision?.actor).toMatchObject({ username: systemA.name, role: 'system' });
      }

      // Its use is recorded.
      const listed = (await get('/service-accounts?limit=100', world.tokens.admin).expect(200)).body.items as Created[];
      expect(listed.find((a) => a.id === systemA.id)?.lastUsedAt).toEqual(expect.any(String));
    });

    it('cannot touch another department’s step or request (404), changing nothing', async () => {
      const both = await inProgress(BOTH);
      const onlyB = await inProgress(ONLY_B);
      const stepB = await post(`/requests/${both}/steps/b/approve`, systemA.apiKey, {}).expect(404);
      expect(stepB.body.message).toBe(`step b of request ${both} not found`);
      await post(`/requests/${both}/steps/b/deny`, systemA.apiKey, { reason: '不行' }).expect(404);
      await post(`/requests/${onlyB}/steps/b/approve`, systemA.apiKey, {}).expect(404);
      await post(`/requests/${onlyB}/steps/b/supplement-requests`, systemA.apiKey, {
        materials: ['FORM'],
        note: '请补正',
      }).expect(404);
      await get(`/requests/${onlyB}`, systemA.apiKey).expect(404);
      const after = await get(`/requests/${both}`, world.tokens.admin).expect(200);
      expect(after.body.steps.map((s: { status: string }) => s.status)).toEqual(['active', 'active']);
      expect((await get(`/requests/${onlyB}`, world.tokens.admin).expect(200)).body.steps[0].status).toBe('active');
      // Department B's own system may.
      await post(`/requests/${onlyB}/steps/b/approve`, systemB.apiKey, {}).expect(200);
    });

    it('may do nothing else (403)', async () => {
      const id = await inProgress(BOTH);
      const refused = await get('/requests?limit=5', systemA.apiKey).expect(403);
      expect(refused.body.message).toBe(
        "a department's system may only list its department's tasks, read those requests and decide its steps",
      );
      await get(`/requests/${id}/timeline`, systemA.apiKey).expect(403);
      await get('/users/me', systemA.apiKey).expect(403);
      await get('/notifications', systemA.apiKey).expect(403);
      await get('/licences', systemA.apiKey).expect(403);
      await get(`/requests/${id}/files`, systemA.apiKey).expect(403);
      await post(`/requests/${id}/steps/a/special-procedures`, systemA.apiKey, {
        reason: '专家评审',
        endsAt: new Date(Date.now() + 86_400_000).toISOString(),
      }).expect(403);
      await post(`/requests/${id}/withdraw`, systemA.apiKey, {}).expect(403);
      await post('/requests', systemA.apiKey, {
        itemCode: BOTH,
        form: {},
        materials: [{ code: 'FORM', reference: 'file:form.pdf' }],
        onBehalfOf: company,
      }).expect(403);
      // Public routes stay public.
      await get('/departments').expect(200);
      expect((await get(`/requests/${id}`, world.tokens.admin).expect(200)).body.steps[0].status).toBe('active');
    });

    it('honours Idempotency-Key: a replay answers the same and decides nothing twice', async () => {
      const id = await inProgress(BOTH);
      const key = `sa-${u}-approve`;
      const first = await post(`/requests/${id}/steps/a/approve`, systemA.apiKey, {}, key).expect(200);
      const again = await post(`/requests/${id}/steps/a/approve`, systemA.apiKey, {}, key).expect(200);
      expect(again.body).toEqual(first.body);
      expect((await auditActions('request', id)).filter((a) => a === 'step.approved')).toHaveLength(1);
      // Reused for something else, the key is refused.
      await post(`/requests/${id}/steps/a/deny`, systemA.apiKey, { reason: '换个决定' }, key).expect(422);
      // A key is the caller's own: the same key from department B's system is a request of its own.
      const other = await post(`/requests/${id}/steps/b/approve`, systemB.apiKey, {}, key).expect(200);
      expect(other.body.status).toBe('completed');
    });
  });

  describe('keys', () => {
    it('a revoked key is refused at once (401), revoked once, audited', async () => {
      const system = await create('revoked', A);
      await get('/tasks', system.apiKey).expect(200);
      const revoked = await post(`/service-accounts/${system.id}/revoke`, world.tokens.admin).expect(200);
      expect(revoked.body).toMatchObject({ id: system.id, revokedAt: expect.any(String) });
      expect(revoked.body.apiKey).toBeUndefined();
      const refused = await get('/tasks', system.apiKey).expect(401);
      expect(refused.body.message).toBe('the API key is invalid or has been revoked');
      const id = await inProgress(BOTH);
      await post(`/requests/${id}/steps/a/approve`, system.apiKey, {}).expect(401);
      expect((await get(`/requests/${id}`, world.tokens.admin).expect(200)).body.steps[0].status).toBe('active');
      const twice = await post(`/service-accounts/${system.id}/revoke`, world.tokens.admin).expect(409);
      expect(twice.body.message).toBe(`service account ${system.name} is already revoked`);
      expect(await auditActions('service_account', system.id)).toEqual([
        'service_account.created',
        'service_account.revoked',
      ]);
    });

    it('refuses a malformed key, an unknown one and a right id with a wrong secret', async () => {
      const wrongSecret = `otk_${systemA.keyId}_${'A'.repeat(43)}`;
      const unknownId = systemA.apiKey.replace(
        systemA.keyId,
        systemA.keyId === '0'.repeat(16) ? '1'.repeat(16) : '0'.repeat(16),
      );
      for (const key of ['otk_', `otk_${systemA.keyId}`, wrongSecret, unknownId, `${systemA.apiKey}x`]) {
        const res = await get('/tasks', key).expect(401);
        expect(res.body.message).toBe('the API key is invalid or has been revoked');
      }
      await get('/tasks', systemA.apiKey).expect(200);
    });

    it('records its use at most once a minute', async () => {
      const system = await create('usage', B);
      const lastUsed = async () =>
        ((await get('/service-accounts?limit=100', world.tokens.admin).expect(200)).body.items as Created[]).find(
          (a) => a.id === system.id,
        )?.lastUsedAt;
      expect(await lastUsed()).toBeNull();
      await get('/tasks', system.apiKey).expect(200);
      const first = await lastUsed();
      expect(first).toEqual(expect.any(String));
      await get('/tasks', system.apiKey).expect(200);
      expect(await lastUsed()).toBe(first);
    });
  });
});
