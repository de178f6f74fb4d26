import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getDataSourceToken } from '@nestjs/typeorm';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DataSource } from 'typeorm';
import { appRoutes } from './authz/app-routes.js';
import {
  type Caller,
  isPerson,
  MATRIX,
  type Params,
  roleOf,
  type RouteRule,
  SIGNED_IN,
  type Tenancy,
} from './authz/matrix.js';
import { cells, routesTable, tableCells } from './authz/routes-doc.js';
import { mapLimit, type Owner, World } from './authz/world.js';
import { createApp } from './helpers.js';

/** The object a case acts on: the caller's own, another tenant's, or another department's step of its own request. */
type Variant = 'own' | 'other' | 'other-step';

interface Case {
  route: string;
  caller: Caller;
  /** null for a route that names no tenant's object. */
  variant: Variant | null;
  expected: string;
}

const CALLERS: readonly Caller[] = ['anonymous', ...SIGNED_IN];
const OWN: Owner = { company: 'A', hall: 'A', department: 'A' };

const allows = (rule: RouteRule, caller: Caller): boolean =>
  rule.access === 'public' ||
  (rule.access === 'signed-in' ? isPerson(caller) : caller !== 'anonymous' && rule.access.includes(roleOf(caller)));

/**
 * What the caller must get (API.md, Conventions): 401 without a token unless the route is public,
 * 403 for a role the route does not allow, 404 for another tenant's object ("absent or not
 * yours") and for any object of a caller whose tenancy is `none`, the success status on its own. A list answers 200 and shows only the caller's own.
 */
function expected(rule: RouteRule, caller: Caller, variant: Variant | null): string {
  if (!allows(rule, caller)) return caller === 'anonymous' ? '401' : '403';
  if (caller !== 'anonymous' && rule.scope?.[caller] === 'none')
    return rule.lists ? `${rule.success} not listed` : '404';
  const another = variant === 'other' || variant === 'other-step';
  const reaches = !another || (caller !== 'anonymous' && rule.scope?.[caller] === 'all');
  if (rule.lists) return `${rule.success} ${reaches ? 'listed' : 'not listed'}`;
  return reaches ? String(rule.success) : '404';
}

function casesOf(route: string): Case[] {
  const rule = MATRIX[route];
  return CALLERS.flatMap((caller) => {
    let variants: (Variant | null)[] = [null];
    if (rule.scope && caller === 'anonymous') variants = ['own'];
    else if (rule.scope && caller !== 'anonymous') {
      variants = rule.scope[caller] === 'department-step' ? ['own', 'other', 'other-step'] : ['own', 'other'];
    }
    return variants.map((variant) => ({ route, caller, variant, expected: expected(rule, caller, variant) }));
  });
}

/** Another tenant's object differs from the caller's own only where the caller's role is scoped. */
function ownerOf(tenancy: Tenancy | undefined, variant: Variant | null): Owner {
  if (variant !== 'other') return OWN;
  switch (tenancy) {
    case 'company':
      return { ...OWN, company: 'B' };
    case 'hall':
    case 'hall-or-all':
      return { ...OWN, hall: 'B' };
    case 'department':
    case 'department-step':
      return { ...OWN, department: 'B' };
    case 'all':
    case 'none':
    case undefined:
      return { company: 'B', hall: 'B', department: 'B' };
  }
}

const label = (c: Case) =>
  c.variant === null
    ? c.caller
    : `${c.caller} on ${{ own: 'its own', other: "another tenant's", 'other-step': "another department's step" }[c.variant]}`;

const CASES = Object.keys(MATRIX).flatMap(casesOf);

describe(`authorization matrix: every route × anonymous and each role × own and another tenant's object (${CASES.length} cases)`, () => {
  let app: NestFastifyApplication;
  let world: World;

  let ready = false;

  beforeAll(async () => {
    app = await createApp();
    world = new World(app);
    await world.setUp();
    ready = true;
  });

  afterAll(async () => {
    // No clock of this file's requests keeps running for other files' workers to reconcile.
    if (ready) await world.withdrawOpenRequests();
    // Nothing is sent for later files' events to the closed port the cases subscribed.
    await app
      ?.get<DataSource>(getDataSourceToken())
      .query("UPDATE webhook_subscriptions SET active = 0 WHERE url LIKE 'http%://127.0.0.1:9/%'");
    await app?.close();
  });

  /** Does a list (followed page by page) show the object? */
  async function lists(
    rule: RouteRule,
    path: string,
    token: string | undefined,
    query: Readonly<Record<string, string>> | undefined,
    first: { items: Record<string, unknown>[]; nextCursor: string | null },
    object: Params,
  ): Promise<boolean> {
    const shows = (entry: Record<string, unknown>) =>
      rule.lists === 'tasks' ? entry.requestId === object.id && entry.stepKey === object.key : entry.id === object.id;
    let page = first;
    for (let pages = 1; ; pages++) {
      if (page.items.some(shows)) return true;
      if (!page.nextCursor) return false;
      if (pages >= 50) throw new Error(`${path}: more than 50 pages`);
      const res = await world.call('GET', path, token, undefined, { ...query, cursor: page.nextCursor });
      if (res.status !== 200) throw new Error(`${path} page ${pages + 1}: ${res.status} ${JSON.stringify(res.body)}`);
      page = res.body as typeof first;
    }
  }

  async function run(c: Case): Promise<string> {
    const rule = MATRIX[c.route];
    const [method, template] = c.route.split(' ');
    const tenancy = c.caller === 'anonymous' ? undefined : rule.scope?.[c.caller];
    const object = rule.object
      ? await world.object(rule.object, ownerOf(tenancy, c.variant), c.variant === 'other-step' ? 'peer' : 'main')
      : {};
    const call = { names: world.names, caller: c.caller, object };
    const params: Params = { ...rule.params?.(world.names), ...object };
    const path = template.replace(/:(\w+)/g, (_, name: string) => {
      if (params[name] === undefined) throw new Error(`${c.route}: nothing fills :${name}`);
      return encodeURIComponent(params[name]);
    });
    const token = world.token(c.caller);
    const query = rule.query?.(call);
    if (rule.stream) return String(await world.streamStatus(path, token));
    const res = rule.upload
      ? await world.upload(path, token, query)
      : await world.call(method, path, token, rule.body?.(call), query);
    if (!rule.lists || res.status !== 200) return String(res.status);
    return `${res.status} ${(await lists(rule, path, token, query, res.body, object)) ? 'listed' : 'not listed'}`;
  }

  it('classifies every route the app serves, and names no route it does not serve', () => {
    const { routes, unmounted } = appRoutes(app);
    const served = routes.map((r) => r.key);
    expect(unmounted).toEqual([]);
    // Fails when a controller gains a route: classify it in test/authz/matrix.ts.
    expect(served.filter((route) => !(route in MATRIX))).toEqual([]);
    expect(Object.keys(MATRIX).filter((route) => !served.includes(route))).toEqual([]);
    // The global prefix applies to everything but the probes and the metrics (configure-app.ts).
    expect(served.filter((route) => !route.split(' ')[1].startsWith('/api/v1/')).sort()).toEqual([
      'GET /health',
      'GET /health/ready',
      'GET /metrics',
    ]);
  });

  it('docs/routes.md lists every route of the matrix as the matrix says', () => {
    const page = readFileSync(fileURLToPath(new URL('../docs/routes.md', import.meta.url)), 'utf8');
    // On a difference, the expected table is test/authz/routes-doc.ts' routesTable(MATRIX).
    expect(tableCells(page)).toEqual(cells(routesTable(MATRIX)));
  });

  describe.each(Object.keys(MATRIX))('%s', (route) => {
    const cases = casesOf(route);
    it(`answers each caller as the matrix says (${cases.length} cases)`, async () => {
      const actual = await mapLimit(cases, 6, run);
      expect(Object.fromEntries(cases.map((c, i) => [label(c), actual[i]]))).toEqual(
        Object.fromEntries(cases.map((c) => [label(c), c.expected])),
      );
    });
  });

  describe('managers', () => {
    it("a manager bound to no hall reads and extends every hall's requests", async () => {
      const managerAll = world.token('managerAll');
      for (const hall of ['A', 'B'] as const) {
        const { id } = await world.request('request:in-progress', { ...OWN, hall });
        expect((await world.call('GET', `/api/v1/requests/${id}`, managerAll)).status).toBe(200);
        const extended = await world.call('POST', `/api/v1/requests/${id}/extensions`, managerAll, {
          workingDays: 1,
          reason: '需要现场核查',
        });
        expect(extended.status).toBe(200);
      }
    });

    it("a hall's manager sees what its clerks see: online submissions no hall has taken yet", async () => {
      const id = await world.onlineRequest();
      for (const caller of ['clerk', 'manager'] as const) {
        const res = await world.call('GET', `/api/v1/requests/${id}`, world.token(caller));
        expect([caller, res.status, res.body.hallCode]).toEqual([caller, 200, null]);
      }
    });
  });
});
