import request from 'supertest';
import { appWithWorld, apiOf } from './fixtures/world.js';

/** The Set-Cookie of the queues pass, and the cookie to send back. */
function passOf(res: request.Response): { setCookie: string; cookie: string } {
  const setCookie = ([] as string[])
    .concat(res.headers['set-cookie'] ?? [])
    .find((c) => c.startsWith('desk_queues_pass='));
  if (!setCookie) throw new Error(`no queues pass in ${JSON.stringify(res.headers['set-cookie'])}`);
  return { setCookie, cookie: setCookie.split(';')[0] };
}

describe("the admins' queues page (bull-board at /admin/queues)", () => {
  const suite = appWithWorld({
    users: { manager: { role: 'manager' } },
    username: (key) => `qb-${key}-${Date.now().toString(36)}`,
  });
  const { post, get } = apiOf(() => suite.app);
  const page = (path: string, cookie?: string, bearer?: string) => {
    const req = request(suite.app.getHttpServer()).get(path);
    if (cookie) req.set('Cookie', cookie);
    if (bearer) req.set('Authorization', `Bearer ${bearer}`);
    return req;
  };

  it('is shut to anyone without an admin’s pass, a bearer token included, and says how to get one', async () => {
    const refused = await page('/admin/queues/').expect(401);
    expect(refused.text).toContain('队列监控仅限管理员');
    // A tab carries no bearer header; one sent anyway is no pass.
    await page('/admin/queues/', undefined, suite.tokens.admin).expect(401);
    await page('/admin/queues/api/queues', 'desk_queues_pass=forged.token.here').expect(401);
    await post('/auth/queues-pass', suite.tokens.manager).expect(403);
    await post('/auth/queues-pass', null).expect(401);
  });

  it('gives an admin a 15-minute HttpOnly pass for that page only, which shows the real queues', async () => {
    const res = await post('/auth/queues-pass', suite.tokens.admin).expect(200);
    expect(res.body.path).toBe('/admin/queues');
    const left = Date.parse(res.body.expiresAt) - Date.now();
    expect(left).toBeGreaterThan(14 * 60_000);
    expect(left).toBeLessThanOrEqual(15 * 60_000);
    const { setCookie, cookie } = passOf(res);
    expect(setCookie).toMatch(/; Path=\/admin\/queues(;|$)/);
    expect(setCookie).toMatch(/; HttpOnly/);
    expect(setCookie).toMatch(/; SameSite=Strict/);
    expect(setCookie).toMatch(/; Max-Age=900;/);

    const html = await page('/admin/queues/', cookie).expect(200);
    expect(html.headers['content-type']).toMatch(/text\/html/);
    expect(html.text).toContain('One-thing desk queues');
    // The board's own api, as its page reads it: the desk's four queues, with their counts.
    const board = await page('/admin/queues/api/queues?activeQueue=events&status=latest&page=1', cookie).expect(200);
    const names = (board.body.queues as { name: string; counts: Record<string, number> }[]).map((q) => q.name);
    expect(names.sort()).toEqual(['events', 'outbox', 'sla', 'webhooks']);
    // The pass is no access token.
    await get('/users/me', cookie.split('=')[1]).expect(401);
  });
});
