import type { INestApplication } from '@nestjs/common';
import { apiOf, buildWorld, minuteReview, randomUscc, type World } from './fixtures/world.js';
import { createApp, unique } from './helpers.js';

/**
 * An item's form is checked against its JSON Schema: a version with a schema that is not one is
 * refused when it is made, a submission whose form breaks it is refused with each field and rule
 * named, in Chinese by default and English on request, and nothing is stored. A supplement may
 * carry a corrected form, checked the same way.
 */
describe('the item’s form, checked against its schema', () => {
  let app: INestApplication;
  let world: World;
  const u = unique().toUpperCase();
  const ITEM = `FORM-${u}`;
  const company = randomUscc();
  const { post, get } = apiOf(() => app);
  const SCHEMA = {
    type: 'object',
    required: ['companyName', 'registeredCapital', 'companyType'],
    additionalProperties: false,
    properties: {
      companyName: { type: 'string', title: '企业名称', minLength: 4, maxLength: 60 },
      registeredCapital: { type: 'number', title: '注册资本（万元）', exclusiveMinimum: 0 },
      companyType: { type: 'string', enum: ['有限责任公司', '股份有限公司'] },
      contactPhone: { type: 'string', pattern: '^[0-9-]{7,20}$' },
    },
  };
  const GOOD = { companyName: '示范科技有限公司', registeredCapital: 500, companyType: '有限责任公司' };

  beforeAll(async () => {
    app = await createApp();
    const spec = minuteReview({ item: ITEM, matter: `FORM-M-${u}`, departmentCode: `FORM-D-${u}` }, [
      { code: 'PLAN', name: '方案', required: true, key: true },
      { code: 'PHOTO', name: '现场照片', required: false, key: false },
    ]);
    world = await buildWorld(app, {
      departments: [{ code: `FORM-D-${u}`, name: '表单测试部门' }],
      halls: [{ code: `FORM-H-${u}`, name: '表单测试大厅', level: 'centre' }],
      matters: spec.matters,
      items: [{ ...spec.items[0], formSchema: SCHEMA }],
      companies: [{ uscc: company, name: '表单测试公司' }],
      users: {
        applicant: { role: 'applicant', companyUscc: company },
        clerk: { role: 'clerk', hallCode: `FORM-H-${u}` },
        approver: { role: 'approver', departmentCode: `FORM-D-${u}` },
      },
      username: (key) => `form-${key}-${u}`,
    });
  });

  afterAll(async () => {
    // No clock of this file's requests keeps running for other files' workers to reconcile.
    const open = (await mine()) as { id: string; status: string }[];
    for (const r of open.filter((r) => ['submitted', 'supplement_required', 'in_progress'].includes(r.status))) {
      await post(`/requests/${r.id}/withdraw`, world.tokens.applicant).expect(200);
    }
    await app.close();
  });

  const apply = (form: object, language = 'en') =>
    post('/requests', world.tokens.applicant, {
      itemCode: ITEM,
      form,
      materials: [{ code: 'PLAN', reference: 'file:plan.pdf' }],
    }).set('Accept-Language', language);
  const mine = async () =>
    (await get('/requests?limit=100', world.tokens.applicant).expect(200)).body.items as unknown[];

  it('takes a form that fits the schema', async () => {
    const res = await apply(GOOD);
    expect(res.status).toBe(201);
    expect(res.body.form).toEqual(GOOD);
  });

  it('names every field and the rule it breaks, and stores nothing', async () => {
    const before = (await mine()).length;
    const res = await apply({ companyName: '短', registeredCapital: 0, contactPhone: 'call me', owner: 'x' });
    expect(res.status).toBe(400);
    expect([...res.body.message].sort()).toEqual(
      [
        'form.companyName must be at least 4 characters',
        'form.registeredCapital must be > 0',
        'form.companyType is required',
        'form.contactPhone must match the pattern ^[0-9-]{7,20}$',
        'form.owner is not a field of this form',
      ].sort(),
    );
    expect((await mine()).length).toBe(before);
  });

  it('says the same in Chinese by default', async () => {
    const res = await apply({ ...GOOD, companyType: '合作社', registeredCapital: '五百' }, 'zh-CN');
    expect(res.status).toBe(400);
    expect([...res.body.message].sort()).toEqual(
      [
        'form.companyType 必须是以下之一："有限责任公司", "股份有限公司"',
        'form.registeredCapital 的类型必须是 number',
      ].sort(),
    );
  });

  it('refuses a version whose schema is not a JSON Schema, naming what is wrong', async () => {
    const draft = (formSchema: object) =>
      post('/items', world.tokens.admin, {
        ...minuteReview({ item: ITEM, matter: `FORM-M-${u}`, departmentCode: `FORM-D-${u}` }, []).items[0],
        formSchema,
      });
    const unknownKeyword = await draft({ type: 'object', properties: { a: { type: 'string', minimumLength: 3 } } });
    expect(unknownKeyword.status).toBe(400);
    expect(unknownKeyword.body.message).toBe(
      'formSchema is not a valid JSON Schema: strict mode: unknown keyword: "minimumLength"',
    );
    const notObject = await draft({ type: 'array' });
    expect(notObject.status).toBe(400);
    expect(notObject.body.message).toBe('formSchema must describe an object (type: object)');
    const badType = await draft({ type: 'object', properties: { a: { type: 'text' } } });
    expect(badType.status).toBe(400);
    // Nothing was made: the item has no second version.
    await get(`/items/${ITEM}/versions/2`, world.tokens.admin).expect(404);
  });

  describe('a corrected form in a supplement (补正)', () => {
    interface Event {
      action: string;
      payload: Record<string, unknown> | null;
    }
    const supply = (id: string, body: object) => post(`/requests/${id}/supplements`, world.tokens.applicant, body);
    const plan = [{ code: 'PLAN', reference: 'file:plan-v2.pdf' }];
    const read = async (id: string) => (await get(`/requests/${id}`, world.tokens.applicant).expect(200)).body;
    /** What a refused supplement must leave as it was (the clocks' remaining minutes move on their own). */
    const stored = async (id: string) => {
      const { status, form, materials, supplement, deferredMaterials } = await read(id);
      return { status, form, materials, supplement, deferredMaterials };
    };
    const timeline = async (id: string) =>
      (await get(`/requests/${id}/timeline?limit=100`, world.tokens.admin).expect(200)).body.items as Event[];
    const submitted = async () => {
      const res = await apply(GOOD);
      expect(res.status).toBe(201);
      return res.body.id as string;
    };

    it('at intake: an invalid correction is a 400 naming each field and changes nothing; a valid one is stored and said in the timeline', async () => {
      const id = await submitted();
      await post(`/requests/${id}/supplement-requests`, world.tokens.clerk, {
        materials: ['PLAN'],
        note: '企业名称与营业执照不一致，请补正方案并更正表单',
      }).expect(200);
      const before = await stored(id);
      const eventsBefore = (await timeline(id)).length;

      const bad = await supply(id, {
        materials: plan,
        form: { ...GOOD, companyName: '短', registeredCapital: -5, owner: 'x' },
      }).expect(400);
      expect([...bad.body.message].sort()).toEqual(
        [
          'form.companyName must be at least 4 characters',
          'form.registeredCapital must be > 0',
          'form.owner is not a field of this form',
        ].sort(),
      );
      // Missing materials and form faults are told together (一次性告知).
      const both = await supply(id, { materials: [{ code: 'PHOTO', reference: 'x' }], form: {} }).expect(400);
      expect(both.body.message).toEqual(
        expect.arrayContaining(['missing the materials asked for: PLAN', 'form.companyName is required']),
      );
      expect(await stored(id)).toEqual(before);
      expect((await timeline(id)).length).toBe(eventsBefore);

      const corrected = { ...GOOD, companyName: '示范智能科技有限公司', contactPhone: '0512-66668888' };
      const res = await supply(id, { materials: plan, form: corrected }).expect(200);
      expect(res.body.status).toBe('submitted');
      expect(res.body.form).toEqual(corrected);
      const after = await read(id);
      expect(after.form).toEqual(corrected);
      expect(after.materials).toEqual(plan);
      const supplied = (await timeline(id)).filter((e) => e.action === 'request.supplied');
      expect(supplied).toHaveLength(1);
      expect(supplied[0].payload).toMatchObject({
        materials: ['PLAN'],
        stage: 'intake',
        formCorrected: true,
        formFields: ['companyName', 'contactPhone'],
      });
    });

    it('asked by an approver: the corrected form is stored; a supplement without one keeps the form', async () => {
      const id = await submitted();
      await post(`/requests/${id}/accept`, world.tokens.clerk).expect(200);
      const ask = () =>
        post(`/requests/${id}/steps/review/supplement-requests`, world.tokens.approver, {
          materials: ['PLAN'],
          note: '注册资本与章程不符',
        }).expect(200);
      await ask();
      const corrected = { ...GOOD, registeredCapital: 800 };
      const res = await supply(id, { materials: plan, form: corrected }).expect(200);
      expect(res.body.status).toBe('in_progress');
      expect((await read(id)).form).toEqual(corrected);

      await ask();
      await supply(id, { materials: [{ code: 'PLAN', reference: 'file:plan-v3.pdf' }] }).expect(200);
      expect((await read(id)).form).toEqual(corrected);
      const supplied = (await timeline(id)).filter((e) => e.action === 'request.supplied');
      expect(supplied.map((e) => e.payload?.formCorrected ?? false)).toEqual([true, false]);
      expect(supplied[0].payload).toMatchObject({
        stage: 'processing',
        stepKey: 'review',
        formFields: ['registeredCapital'],
      });
    });

    it('refuses a form handed in with deferred materials (容缺), changing nothing', async () => {
      const id = await submitted();
      await post(`/requests/${id}/accept`, world.tokens.clerk, {
        deferredMaterials: [{ code: 'PHOTO', dueInWorkingDays: 5 }],
      }).expect(200);
      const before = await stored(id);
      const eventsBefore = (await timeline(id)).length;
      const res = await supply(id, {
        materials: [{ code: 'PHOTO', reference: 'file:photo.jpg' }],
        form: { ...GOOD, registeredCapital: 900 },
      }).expect(400);
      expect(res.body.message).toBe(
        'form may be corrected only in answer to a supplement request, not with deferred materials',
      );
      expect(await stored(id)).toEqual(before);
      expect((await timeline(id)).length).toBe(eventsBefore);
    });
  });
});
