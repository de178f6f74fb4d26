import { FilesService } from '#files';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { INestApplication } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { PDF, PNG } from './fixtures/sample-files.js';
import { apiOf, buildWorld, material, minuteReview, randomUscc } from './fixtures/world.js';
import { createApp, unique } from './helpers.js';

const BUCKET = 'desk-files';
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/**
 * Materials on an S3-compatible object store (FILES_STORAGE=s3), against s3rver, a server speaking
 * S3's HTTP API run in this process: the same uploads, deduplication, limits, downloads and clean-up
 * as on the local disk, the bytes in the bucket under their hash.
 */
describe('materials as files on an S3-compatible object store', () => {
  let app: INestApplication;
  let server: S3rver;
  let directory: string;
  let s3: S3Client;
  const u = unique().toUpperCase();
  const company = randomUscc();
  let tokens: Record<string, string> = {};
  const { http, get } = apiOf(() => app);
  const saved: Record<string, string | undefined> = {};
  const MAX = 64 * 1024;

  const upload = (bytes: Buffer, name: string) =>
    http().post('/api/v1/files').set('Authorization', `Bearer ${tokens.applicant}`).attach('file', bytes, name);
  const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
  const keyOf = (hash: string) => `files/${hash.slice(0, 2)}/${hash.slice(2, 4)}/${hash}`;
  const keys = async () =>
    ((await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }))).Contents ?? []).map((o) => o.Key);

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'one-thing-s3-'));
    server = new S3rver({
      port: 0,
      address: '127.0.0.1',
      silent: true,
      directory,
      configureBuckets: [{ name: BUCKET, configs: [] }],
    });
    const { port } = await server.run();
    const endpoint = `http://127.0.0.1:${port}`;
    s3 = new S3Client({
      region: 'us-east-1',
      endpoint,
      forcePathStyle: true,
      credentials: CREDENTIALS,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    const env = {
      FILES_STORAGE: 's3',
      S3_BUCKET: BUCKET,
      S3_ENDPOINT: endpoint,
      S3_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      S3_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
      FILE_MAX_BYTES: String(MAX),
    };
    for (const [k, v] of Object.entries(env)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
    app = await createApp();
    const review = minuteReview({ item: `S3-I-${u}`, matter: `S3-M-${u}`, departmentCode: `S3-D-${u}` }, [
      material('ARTICLES', '公司章程'),
    ]);
    ({ tokens } = await buildWorld(app, {
      departments: [{ code: `S3-D-${u}`, name: '对象存储测试部门' }],
      matters: review.matters,
      items: review.items,
      companies: [{ uscc: company, name: '对象存储测试公司' }],
      users: { applicant: { role: 'applicant', companyUscc: company } },
      username: (key) => `s3-${key}-${u}`.toLowerCase(),
    }));
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    s3?.destroy();
    await server?.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('keeps an upload in the bucket under its hash, once for the same bytes, and serves it back', async () => {
    const bytes = Buffer.concat([PDF, Buffer.from(`s3 ${u}`)]);
    const first = await upload(bytes, '章程.pdf').expect(201);
    expect(first.body).toMatchObject({ sha256: sha(bytes), size: bytes.length, contentType: 'application/pdf' });
    const again = await upload(bytes, '章程副本.pdf').expect(201);
    expect(again.body.id).not.toBe(first.body.id);
    expect((await keys()).filter((k) => k === keyOf(sha(bytes)))).toHaveLength(1);
    const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: keyOf(sha(bytes)) }));
    expect(Buffer.from(await object.Body!.transformToByteArray()).equals(bytes)).toBe(true);

    const download = await get(`/files/${first.body.id}/content`, tokens.applicant)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(Buffer.compare(download.body as Buffer, bytes)).toBe(0);
    expect(download.headers['content-disposition']).toContain("filename*=UTF-8''%E7%AB%A0%E7%A8%8B.pdf");
  });

  it('puts nothing in the bucket for a file over the limit or of another type', async () => {
    const before = await keys();
    const big = Buffer.concat([PDF, Buffer.alloc(MAX)]);
    await upload(big, 'big.pdf').expect(413);
    const text = Buffer.from(`just text ${u}`);
    await upload(text, 'a.pdf').expect(415);
    expect(await keys()).toEqual(before);
  });

  it('removes from the bucket the bytes of an upload no request took within a day', async () => {
    const bytes = Buffer.concat([PNG, Buffer.from(`orphan ${u}`)]);
    const orphan = await upload(bytes, 'orphan.png').expect(201);
    expect(await keys()).toContain(keyOf(sha(bytes)));
    // Counted from a day on: the upload and its bytes are past a day old then.
    expect(await app.get(FilesService).cleanUp(new Date(Date.now() + 86_400_000))).toBeGreaterThanOrEqual(1);
    await get(`/files/${orphan.body.id}`, tokens.applicant).expect(404);
    expect(await keys()).not.toContain(keyOf(sha(bytes)));
  });
});
