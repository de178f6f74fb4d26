import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { readFileSync } from 'node:fs';
import createClient, { type Middleware } from 'openapi-fetch';
import addFormats from 'ajv-formats';
import { OpenAPIBackend, SetMatchType, type Document } from 'openapi-backend';
import type { paths } from '../apps/web/src/api/schema.js';
import { GIF, PDF } from './fixtures/sample-files.js';
import { buildWorld, material, minuteReview, usccOf, type World } from './fixtures/world.js';
import { createApp, unique } from './helpers.js';

/**
 * The contract as an integrator meets it: a client generated from docs/openapi.json (openapi-typescript's
 * types, as the console uses them, and openapi-fetch) drives the main flows against a running api, and
 * every answer, success or error, is checked against the document by an OpenAPI validator
 * (openapi-backend: the operation matched from the path, the status documented, the headers and the
 * JSON body validated with Ajv against the operation's response). An answer the document does not
 * describe fails the call that got it.
 */
const document = closed(JSON.parse(readFileSync(new URL('../docs/openapi.json', import.meta.url), 'utf8'))) as Document;

/**
 * The document as the validator reads it here: an object schema that lists its properties and says
 * nothing of others is read as closed, so a field the api answers and the document does not name
 * fails too (JSON Schema would let it through).
 */
function closed(node: unknown): unknown {
  if (Array.isArray(node)) node.forEach(closed);
  else if (node !== null && typeof node === 'object') {
    const schema = node as Record<string, unknown>;
    if (schema.type === 'object' && schema.properties && schema.additionalProperties === undefined) {
      schema.additionalProperties = false;
    }
    Object.values(schema).forEach(closed);
  }
  return node;
}
const MAX_FILE = 4096;

describe('a client generated from docs/openapi.json', () => {
  const u = unique();
  const DEPT = `OC-D-${u}`.toUpperCase();
  const HALL = `OC-H-${u}`.toUpperCase();
  const ITEM = `OC-I-${u}`.toUpperCase();
  const company = usccOf('91320582');
  const otherCompany = usccOf('91320583');
  const previousMax = process.env.FILE_MAX_BYTES;
  let app: NestFastifyApplication;
  let world: World;
  let client: ReturnType<typeof createClient<paths>>;
  const validator = new OpenAPIBackend({
    definition: document,
    strict: true,
    quick: false,
    validate: true,
    customizeAjv: (ajv) => addFormats.default(ajv),
  });
  /** `status operationId` of every answer checked. */
  const checked: string[] = [];

  /** Checks an answer against the document; throws (failing the call) when it does not fit. */
  const againstTheDocument: Middleware = {
    async onResponse({ request, response }) {
      const url = new URL(request.url);
      const operation = validator.router.matchOperation({
        method: request.method.toLowerCase(),
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: {},
      });
      if (!operation) throw new Error(`${request.method} ${url.pathname} is not in the document`);
      const where = `${response.status} of ${operation.operationId}`;
      const documented = operation.responses?.[String(response.status)] as
        { headers?: Record<string, { required?: boolean }>; content?: Record<string, unknown> } | undefined;
      if (!documented) throw new Error(`${where}: the status is not documented`);

      const headers = Object.fromEntries(response.headers);
      const headerCheck = validator.validator.validateResponseHeaders(headers, operation, {
        statusCode: response.status,
        setMatchType: SetMatchType.Any,
      });
      if (!headerCheck.valid) throw new Error(`${where}: headers ${JSON.stringify(headerCheck.errors)}`);
      for (const [name, header] of Object.entries(documented.headers ?? {})) {
        if (header.required && !response.headers.has(name)) throw new Error(`${where}: no ${name} header`);
      }

      const mediaType = response.headers.get('content-type')?.split(';')[0].trim();
      const body = await response.clone().arrayBuffer();
      if (!documented.content) {
        if (body.byteLength > 0) throw new Error(`${where}: a body the document does not declare`);
      } else {
        if (!mediaType || !(mediaType in documented.content)) {
          throw new Error(`${where}: ${mediaType} is not one of ${Object.keys(documented.content).join(', ')}`);
        }
        if (mediaType === 'application/json') {
          const json: unknown = JSON.parse(Buffer.from(body).toString('utf8'));
          const bodyCheck = validator.validator.validateResponse(json, operation, response.status);
          if (!bodyCheck.valid) {
            throw new Error(`${where}: body ${JSON.stringify(bodyCheck.errors)} in ${JSON.stringify(json)}`);
          }
        }
      }
      checked.push(`${response.status} ${operation.operationId}`);
      return undefined;
    },
  };

  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    process.env.FILE_MAX_BYTES = String(MAX_FILE);
    await validator.init();
    app = await createApp();
    await app.listen(0, '127.0.0.1');
    const review = minuteReview({ item: ITEM, matter: `OC-M-${u}`.toUpperCase(), departmentCode: DEPT }, [
      material('ARTICLES', '公司章程'),
    ]);
    world = await buildWorld(app, {
      departments: [{ code: DEPT, name: '契约测试部门' }],
      halls: [{ code: HALL, name: '契约测试大厅', level: 'centre' }],
      matters: review.matters,
      items: review.items,
      companies: [
        { uscc: company, name: '契约测试公司' },
        { uscc: otherCompany, name: '契约测试另一公司' },
      ],
      users: {
        applicant: { role: 'applicant', companyUscc: company },
        otherApplicant: { role: 'applicant', companyUscc: otherCompany },
        clerk: { role: 'clerk', hallCode: HALL },
        approver: { role: 'approver', departmentCode: DEPT },
        manager: { role: 'manager' },
      },
      username: (key) => `oc-${key}-${u}`.toLowerCase(),
    });
    client = createClient<paths>({ baseUrl: await app.getUrl() });
    client.use(againstTheDocument);
  });

  afterAll(async () => {
    await app?.close();
    if (previousMax === undefined) delete process.env.FILE_MAX_BYTES;
    else process.env.FILE_MAX_BYTES = previousMax;
  });

  it('signs in, and is told why not (400, 401)', async () => {
    const ok = await client.POST('/api/v1/auth/login', {
      body: { username: `oc-applicant-${u}`.toLowerCase(), password: 'good-pass-123' },
    });
    expect(ok.response.status).toBe(200);
    expect(ok.data?.user.role).toBe('applicant');

    const wrong = await client.POST('/api/v1/auth/login', {
      body: { username: `oc-applicant-${u}`.toLowerCase(), password: 'not-the-password' },
    });
    expect(wrong.response.status).toBe(401);
    expect(wrong.error?.statusCode).toBe(401);

    // A body the document forbids, sent as an integrator's bug would send it.
    const invalid = await client.POST('/api/v1/auth/login', {
      body: { username: '', password: 'x', extra: true } as never,
    });
    expect(invalid.response.status).toBe(400);

    const anonymous = await client.GET('/api/v1/users/me');
    expect(anonymous.response.status).toBe(401);
  });

  it('reads the published catalogue without a token (200, 404)', async () => {
    const list = await client.GET('/api/v1/items', { params: { query: { limit: 100, q: ITEM } } });
    expect(list.data?.items.map((item) => item.code)).toContain(ITEM);
    const item = await client.GET('/api/v1/items/{code}', { params: { path: { code: ITEM } } });
    expect(item.data?.steps.map((step) => step.key)).toEqual(['review']);
    const missing = await client.GET('/api/v1/items/{code}', { params: { path: { code: `NO-${ITEM}`.slice(0, 32) } } });
    expect(missing.response.status).toBe(404);
  });

  it('uploads a file as multipart, and is refused a file over the limit (413) or of another type (415)', async () => {
    const form = (bytes: Buffer, name: string) => {
      const data = new FormData();
      data.append('file', new Blob([new Uint8Array(bytes)]), name);
      return data;
    };
    const upload = (bytes: Buffer, name: string) =>
      client.POST('/api/v1/files', {
        headers: bearer(world.tokens.applicant),
        body: form(bytes, name) as never,
        bodySerializer: (body) => body as unknown as FormData,
      });
    const ok = await upload(PDF, '章程.pdf');
    expect(ok.response.status).toBe(201);
    expect(ok.data?.contentType).toBe('application/pdf');
    expect((await upload(GIF, 'a.gif')).response.status).toBe(415);
    expect((await upload(Buffer.concat([PDF, Buffer.alloc(MAX_FILE)]), 'big.pdf')).response.status).toBe(413);
  });

  it('submits, accepts, approves and completes a request, then reads it, its timeline and its evaluation', async () => {
    const file = await client.POST('/api/v1/files', {
      headers: bearer(world.tokens.applicant),
      body: (() => {
        const data = new FormData();
        data.append('file', new Blob([new Uint8Array(PDF)]), 'articles.pdf');
        return data;
      })() as never,
      bodySerializer: (body) => body as unknown as FormData,
    });
    const submitted = await client.POST('/api/v1/requests', {
      headers: bearer(world.tokens.applicant),
      body: {
        itemCode: ITEM,
        form: {},
        materials: [{ code: 'ARTICLES', reference: '公司章程', fileId: file.data!.id }],
      },
    });
    expect(submitted.response.status).toBe(201);
    const id = submitted.data!.id;

    // Another company's request is absent to this applicant; an applicant may not accept.
    const notYours = await client.GET('/api/v1/requests/{id}', {
      headers: bearer(world.tokens.otherApplicant),
      params: { path: { id } },
    });
    expect(notYours.response.status).toBe(404);
    const notTheirs = await client.POST('/api/v1/requests/{id}/accept', {
      headers: bearer(world.tokens.applicant),
      params: { path: { id } },
    });
    expect(notTheirs.response.status).toBe(403);

    // Accept and approve need no body at all (requestBody.required is false).
    const accepted = await client.POST('/api/v1/requests/{id}/accept', {
      headers: bearer(world.tokens.clerk),
      params: { path: { id } },
    });
    expect(accepted.response.status).toBe(200);
    expect(accepted.data?.status).toBe('in_progress');
    const again = await client.POST('/api/v1/requests/{id}/accept', {
      headers: bearer(world.tokens.clerk),
      params: { path: { id } },
      body: {},
    });
    expect(again.response.status).toBe(409);
    expect(again.error?.state).toBe('in_progress');

    const tasks = await client.GET('/api/v1/tasks', {
      headers: bearer(world.tokens.approver),
      params: { query: { limit: 100 } },
    });
    expect(tasks.data?.items.map((task) => task.requestId)).toContain(id);

    const approved = await client.POST('/api/v1/requests/{id}/steps/{key}/approve', {
      headers: bearer(world.tokens.approver),
      params: { path: { id, key: 'review' } },
    });
    expect(approved.response.status).toBe(200);
    expect(approved.data?.status).toBe('completed');

    const read = await client.GET('/api/v1/requests/{id}', {
      headers: bearer(world.tokens.applicant),
      params: { path: { id } },
    });
    expect(read.data?.outputs).toHaveLength(1);
    const timeline = await client.GET('/api/v1/requests/{id}/timeline', {
      headers: bearer(world.tokens.applicant),
      params: { path: { id }, query: { limit: 100 } },
    });
    expect(timeline.data?.items.length).toBeGreaterThan(2);
    const files = await client.GET('/api/v1/requests/{id}/files', {
      headers: bearer(world.tokens.clerk),
      params: { path: { id } },
    });
    expect(files.data).toHaveLength(1);

    const evaluated = await client.POST('/api/v1/requests/{id}/evaluation', {
      headers: bearer(world.tokens.applicant),
      params: { path: { id } },
      body: { score: 5 },
    });
    expect(evaluated.response.status).toBe(201);
  });

  it('withdraws a request without a body', async () => {
    const submitted = await client.POST('/api/v1/requests', {
      headers: bearer(world.tokens.applicant),
      body: { itemCode: ITEM, form: {}, materials: [{ code: 'ARTICLES', reference: '公司章程' }] },
    });
    const withdrawn = await client.POST('/api/v1/requests/{id}/withdraw', {
      headers: bearer(world.tokens.applicant),
      params: { path: { id: submitted.data!.id } },
    });
    expect(withdrawn.response.status).toBe(200);
    expect(withdrawn.data?.status).toBe('withdrawn');
  });

  it('reads reports as JSON and as CSV', async () => {
    const json = await client.GET('/api/v1/reports/turnaround', {
      headers: bearer(world.tokens.manager),
      params: { query: { groupBy: 'item', itemCode: ITEM } },
    });
    expect(json.response.status).toBe(200);
    type Turnaround = paths['/api/v1/reports/turnaround']['get']['responses'][200]['content']['application/json'];
    // The figures come from rollups the worker refreshes: the shape is what is checked here.
    expect((json.data as Turnaround).groupBy).toBe('item');
    for (const path of [
      '/api/v1/reports/backlog',
      '/api/v1/reports/overdue',
      '/api/v1/reports/throughput',
      '/api/v1/reports/satisfaction',
    ] as const) {
      const report = await client.GET(path, { headers: bearer(world.tokens.manager) });
      expect(report.response.status).toBe(200);
    }
    const csv = await client.GET('/api/v1/reports/turnaround', {
      headers: bearer(world.tokens.manager),
      params: { query: { format: 'csv', itemCode: ITEM } },
      parseAs: 'text',
    });
    expect(csv.response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(String(csv.data).length).toBeGreaterThan(0);
    const forbidden = await client.GET('/api/v1/reports/backlog', { headers: bearer(world.tokens.applicant) });
    expect(forbidden.response.status).toBe(403);
  });

  it('answers a body that is too large (413) or not JSON (415) as documented', async () => {
    const tooLarge = await client.POST('/api/v1/requests', {
      headers: bearer(world.tokens.applicant),
      body: { itemCode: ITEM, form: { text: 'x'.repeat(1_100_000) }, materials: [] },
    });
    expect(tooLarge.response.status).toBe(413);
    const notJson = await client.POST('/api/v1/requests', {
      headers: { ...bearer(world.tokens.applicant), 'Content-Type': 'text/plain' },
      body: 'itemCode=X' as never,
      bodySerializer: (body) => body as unknown as string,
    });
    expect(notJson.response.status).toBe(415);
  });

  it('checked every answer, of each kind', () => {
    const statuses = new Set(checked.map((entry) => Number(entry.split(' ')[0])));
    for (const status of [200, 201, 400, 401, 403, 404, 409, 413, 415]) expect(statuses).toContain(status);
  });
});
