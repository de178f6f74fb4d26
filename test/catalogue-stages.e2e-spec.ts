import type { INestApplication } from '@nestjs/common';
import { apiOf, buildWorld, minuteReview } from './fixtures/world.js';
import { createApp, unique } from './helpers.js';

/** 一类事一站办: an item carries its life-cycle stage, and the public catalogue lists one stage when asked. */
describe('the catalogue by life-cycle stage', () => {
  let app: INestApplication;
  const u = unique().toUpperCase();
  const EXIT_ITEM = `STAGE-EXIT-${u}`;
  const UNSTAGED = `STAGE-NONE-${u}`;
  const { get } = apiOf(() => app);

  beforeAll(async () => {
    app = await createApp();
    const exit = minuteReview({ item: EXIT_ITEM, matter: `STAGE-M-${u}`, departmentCode: `STAGE-D-${u}` }, []);
    await buildWorld(app, {
      departments: [{ code: `STAGE-D-${u}`, name: '阶段测试部门' }],
      matters: exit.matters,
      items: [
        { ...exit.items[0], stage: 'EXIT', name: `简易注销${u}` },
        { ...exit.items[0], code: UNSTAGED },
      ],
    });
  });

  afterAll(async () => {
    await app.close();
  });

  const listed = async (query: string) => {
    const codes: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await get(`/items?limit=100${query}${cursor ? `&cursor=${cursor}` : ''}`).expect(200);
      codes.push(...(page.body.items as { code: string; stage: string | null }[]).map((i) => `${i.code}:${i.stage}`));
      cursor = page.body.nextCursor ?? undefined;
    } while (cursor);
    return codes;
  };

  it('lists an item under its stage only, and every item without a filter', async () => {
    const exit = await listed('&stage=EXIT');
    expect(exit).toContain(`${EXIT_ITEM}:EXIT`);
    expect(exit.every((line) => line.endsWith(':EXIT'))).toBe(true);
    expect(await listed('&stage=ENTRY')).not.toContain(`${EXIT_ITEM}:EXIT`);
    const all = await listed('');
    expect(all).toEqual(expect.arrayContaining([`${EXIT_ITEM}:EXIT`, `${UNSTAGED}:null`]));
    const item = await get(`/items/${EXIT_ITEM}`).expect(200);
    expect(item.body.stage).toBe('EXIT');
  });

  it('finds items by words of their name or their code, with or without a stage', async () => {
    expect(await listed(`&q=${encodeURIComponent(`注销${u}`)}`)).toEqual([`${EXIT_ITEM}:EXIT`]);
    // a code is found from lower-case letters, and blanks around the words do not count
    expect(await listed(`&q=${encodeURIComponent(`  stage-none-${u.toLowerCase()} `)}`)).toEqual([`${UNSTAGED}:null`]);
    expect(await listed(`&q=${u}`)).toEqual([`${EXIT_ITEM}:EXIT`, `${UNSTAGED}:null`].sort());
    expect(await listed(`&q=${u}&stage=EXIT`)).toEqual([`${EXIT_ITEM}:EXIT`]);
    // LIKE's wildcards are words like any other, not patterns
    expect(await listed(`&q=${encodeURIComponent(`STAGE%${u}`)}`)).toEqual([]);
    expect(await listed(`&q=${encodeURIComponent(`STAGE_EXIT-${u}`)}`)).toEqual([]);
  });

  it('refuses a search longer than 50 characters', async () => {
    const res = await get(`/items?q=${'x'.repeat(51)}`).expect(400);
    expect(res.body.message).toEqual(['q must be shorter than or equal to 50 characters']);
  });

  it('refuses a stage it does not know, naming the stages', async () => {
    const res = await get('/items?stage=RETIREMENT').expect(400);
    expect(res.body.message).toEqual(['stage must be one of ENTRY, HIRING, TAXES, OPERATION, CONSTRUCTION, EXIT']);
  });
});
