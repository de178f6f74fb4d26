import { FilesService } from '#files';
import type { INestApplication } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { DataSource } from 'typeorm';
import { GIF, JPEG, PDF, PDF_WITH_JS, PNG, zipOf } from './fixtures/sample-files.js';
import { apiOf, buildWorld, material, minuteReview, randomUscc } from './fixtures/world.js';
import { createApp, unique } from './helpers.js';
import { TEST_ENV } from './test-env.js';

const MAX = 1024 * 1024;

/** Materials as files (POST /files): streamed, hashed, typed from their bytes, kept once, attached, read by those who may. */
describe('materials as files', () => {
  let app: INestApplication;
  const u = unique().toUpperCase();
  const DEPT = `F-D-${u}`;
  const OTHER_DEPT = `F-D2-${u}`;
  const HALL = `F-H-${u}`;
  const ITEM = `F-I-${u}`;
  const company = randomUscc();
  const otherCompany = randomUscc();
  let tokens: Record<string, string> = {};
  const { http, get, post } = apiOf(() => app);
  const previousMax = process.env.FILE_MAX_BYTES;

  const upload = (token: string | undefined, bytes: Buffer, name = 'a.pdf', query = '') => {
    const req = http().post(`/api/v1/files${query}`);
    if (token) req.set('Authorization', `Bearer ${token}`);
    return req.attach('file', bytes, name);
  };
  const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
  const blobPath = (hash: string) => join(TEST_ENV.FILES_DIR, hash.slice(0, 2), hash.slice(2, 4), hash);
  const submitWith = (token: string, fileId: string, extra: object = {}) =>
    post('/requests', token, {
      itemCode: ITEM,
      form: {},
      materials: [{ code: 'ARTICLES', reference: '公司章程（扫描件）', fileId }],
      ...extra,
    });

  beforeAll(async () => {
    process.env.FILE_MAX_BYTES = String(MAX);
    app = await createApp();
    const review = minuteReview({ item: ITEM, matter: `F-M-${u}`, departmentCode: DEPT }, [
      material('ARTICLES', '公司章程'),
      material('ID', '身份证明', false, false),
    ]);
    ({ tokens } = await buildWorld(app, {
      departments: [
        { code: DEPT, name: '文件测试部门' },
        { code: OTHER_DEPT, name: '文件测试其他部门' },
      ],
      halls: [{ code: HALL, name: '文件测试大厅', level: 'centre' }],
      matters: review.matters,
      items: review.items,
      companies: [
        { uscc: company, name: '文件测试公司' },
        { uscc: otherCompany, name: '文件测试另一公司' },
      ],
      users: {
        applicant: { role: 'applicant', companyUscc: company },
        otherApplicant: { role: 'applicant', companyUscc: otherCompany },
        clerk: { role: 'clerk', hallCode: HALL },
        approver: { role: 'approver', departmentCode: DEPT },
        otherApprover: { role: 'approver', departmentCode: OTHER_DEPT },
      },
      username: (key) => `files-${key}-${u}`.toLowerCase(),
    }));
  });

  afterAll(async () => {
    await app.close();
    if (previousMax === undefined) delete process.env.FILE_MAX_BYTES;
    else process.env.FILE_MAX_BYTES = previousMax;
  });

  describe('an upload', () => {
    it('is hashed, typed from its bytes and kept once for the same bytes', async () => {
      const first = await upload(tokens.applicant, PDF, '营业执照申请.pdf').expect(201);
      expect(first.body).toEqual({
        id: expect.stringMatching(/^\d+$/),
        sha256: sha(PDF),
        size: PDF.length,
        contentType: 'application/pdf',
        name: '营业执照申请.pdf',
        companyUscc: company,
        createdAt: expect.stringMatching(/\+08:00$/),
      });
      const again = await upload(tokens.applicant, PDF, 'copy.pdf').expect(201);
      expect(again.body.id).not.toBe(first.body.id);
      expect(again.body.sha256).toBe(first.body.sha256);
      expect(existsSync(blobPath(sha(PDF)))).toBe(true);
    });

    it.each([
      ['a PNG', PNG, 'image/png'],
      ['a JPEG', JPEG, 'image/jpeg'],
      ['an OFD', zipOf('OFD.xml'), 'application/ofd'],
    ])('takes %s', async (_what, bytes, type) => {
      const res = await upload(tokens.applicant, bytes, 'scan.bin').expect(201);
      expect(res.body.contentType).toBe(type);
    });

    it.each([
      ['a GIF', GIF, 'image/gif'],
      ['a zip bomb renamed .pdf', zipOf('bomb/42.zip'), 'application/zip'],
      ['text called .pdf', Buffer.from('just some words, not a document at all'), 'unknown'],
    ])('refuses %s with a 415 naming what it found, keeping nothing', async (_what, bytes, found) => {
      const res = await upload(tokens.applicant, bytes, 'x.pdf').expect(415);
      expect(res.body.message).toBe(`the file is of type ${found}; a material must be a PDF, JPEG, PNG or OFD file`);
      expect(existsSync(blobPath(sha(bytes)))).toBe(false);
    });

    it('refuses an empty file with a 400', async () => {
      const res = await upload(tokens.applicant, Buffer.alloc(0), 'empty.pdf').expect(400);
      expect(res.body.message).toBe('the file is empty');
    });

    it('keeps a name with path separators and control characters as its last part, never as a path', async () => {
      const res = await upload(
        tokens.applicant,
        Buffer.concat([PDF, Buffer.from('x')]),
        '..\\..\\etc/pa\tss\u202ewd.pdf',
      );
      expect(res.body).toMatchObject({ name: 'passwd.pdf' });
      expect(res.status).toBe(201);
      expect(existsSync(blobPath(res.body.sha256))).toBe(true);
    });

    it('refuses a part whose headers hold a control character as a malformed body', async () => {
      const res = await upload(tokens.applicant, PDF, 'pa\u0000s\u0007s.pdf').expect(400);
      expect(res.body.message).toBe('the multipart body is malformed');
    });

    it('keeps nothing of a body cut short after its file, even when the file itself came whole', async () => {
      const db = app.get<DataSource>(getDataSourceToken());
      const files = async () => Number((await db.query('SELECT COUNT(*) AS n FROM stored_files'))[0].n);
      const before = await files();
      const bytes = Buffer.concat([PDF, Buffer.from(`cut ${u}`)]);
      const boundary = `----cut${u}`;
      const res = await http()
        .post('/api/v1/files')
        .set('Authorization', `Bearer ${tokens.applicant}`)
        .set('Content-Type', `multipart/form-data; boundary=${boundary}`)
        .send(
          Buffer.concat([
            Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="cut.pdf"\r\n\r\n`),
            bytes,
            // The file's part ends; the closing boundary never comes.
            Buffer.from(`\r\n--${boundary}\r\n`),
          ]),
        )
        .expect(400);
      expect(res.body.message).toBe('the multipart body is malformed');
      expect(await files()).toBe(before);
      expect(existsSync(blobPath(sha(bytes)))).toBe(false);
    });

    it('refuses a file over the limit with a 413 and keeps nothing', async () => {
      const big = Buffer.concat([PDF, Buffer.alloc(MAX)]);
      const res = await upload(tokens.applicant, big, 'big.pdf').expect(413);
      expect(res.body.message).toBe(`the file is larger than the limit of ${MAX} bytes`);
      expect(existsSync(blobPath(sha(big)))).toBe(false);
    });

    it('stops a 200 MB upload of unknown length as it streams, its memory a few MB', async () => {
      const server = app.getHttpServer();
      if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      const boundary = `----upload${u}`;
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      let sent = 0;
      const TOTAL = 200;
      const body = Readable.from(
        (function* () {
          yield Buffer.from(
            `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="huge.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
          );
          yield PDF;
          for (; sent < TOTAL; sent++) yield chunk;
          yield Buffer.from(`\r\n--${boundary}--\r\n`);
        })(),
      );
      const used = () => {
        const m = process.memoryUsage();
        return m.heapUsed + m.arrayBuffers;
      };
      global.gc?.();
      const before = used();
      let peak = before;
      const sampler = setInterval(() => (peak = Math.max(peak, used())), 20);
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpRequest(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: '/api/v1/files',
            headers: {
              Authorization: `Bearer ${tokens.applicant}`,
              'Content-Type': `multipart/form-data; boundary=${boundary}`,
              'Transfer-Encoding': 'chunked',
            },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        body.pipe(req);
      });
      clearInterval(sampler);
      body.destroy();
      const grewMb = (peak - before) / 1024 / 1024;
      process.stdout.write(
        `files: a ${TOTAL} MB upload over the ${MAX / 1024 / 1024} MB limit grew memory by ${grewMb.toFixed(1)} MB\n`,
      );
      expect(status).toBe(413);
      // The answer came while the body was still being sent, not after reading it all.
      expect(sent).toBeLessThan(TOTAL);
      expect(grewMb).toBeLessThan(32);
    });

    it('is refused when not multipart, without a part named file, or malformed', async () => {
      const json = await post('/files', tokens.applicant, { file: 'x' }).expect(415);
      expect(json.body.message).toBe('an upload must be sent as multipart/form-data, its file in a part named file');
      const noFile = await http()
        .post('/api/v1/files')
        .set('Authorization', `Bearer ${tokens.applicant}`)
        .field('other', 'x')
        .expect(400);
      expect(noFile.body.message).toBe('the upload has no part named file');
      const noBoundary = await http()
        .post('/api/v1/files')
        .set('Authorization', `Bearer ${tokens.applicant}`)
        .set('Content-Type', 'multipart/form-data')
        .send('garbage')
        .expect(400);
      expect(noBoundary.body.message).toBe(
        'the upload must be multipart/form-data with a boundary, its file in a part named file',
      );
    });

    it('is for applicants (their own company) and clerks (a company they name); others are refused', async () => {
      await upload(undefined, PDF).expect(401);
      await upload(tokens.approver, PDF).expect(403);
      const missing = await upload(tokens.clerk, PDF).expect(400);
      expect(missing.body.message).toBe('a clerk uploads for a company: give companyUscc');
      await upload(tokens.clerk, PDF, 'a.pdf', `?companyUscc=${randomUscc()}`).expect(404);
      const forCompany = await upload(tokens.clerk, PDF, 'a.pdf', `?companyUscc=${company}`).expect(201);
      expect(forCompany.body.companyUscc).toBe(company);
      // an applicant cannot upload in another company's name
      await upload(tokens.applicant, PDF, 'a.pdf', `?companyUscc=${otherCompany}`).expect(404);
    });
  });

  describe('reading a file', () => {
    it('is for its company and the hall that uploaded it; anyone else is told it is not found', async () => {
      const own = (await upload(tokens.applicant, PDF_WITH_JS, 'js.pdf').expect(201)).body;
      const byClerk = (await upload(tokens.clerk, PNG, 'p.png', `?companyUscc=${company}`).expect(201)).body;
      await get(`/files/${own.id}`, tokens.applicant).expect(200);
      await get(`/files/${byClerk.id}`, tokens.applicant).expect(200);
      await get(`/files/${byClerk.id}`, tokens.clerk).expect(200);
      for (const token of [tokens.otherApplicant, tokens.approver]) {
        const res = await get(`/files/${own.id}`, token).expect(404);
        expect(res.body.message).toBe(`file ${own.id} not found`);
      }
      await get(`/files/${own.id}`, tokens.clerk).expect(404);
      await get('/files/abc', tokens.applicant).expect(400);
      await get('/files/999999999999', tokens.applicant).expect(404);
    });

    it('downloads as an attachment that a browser neither runs nor sniffs', async () => {
      const own = (await upload(tokens.applicant, PDF_WITH_JS, '带脚本.pdf').expect(201)).body;
      const res = await get(`/files/${own.id}/content`, tokens.applicant)
        .buffer(true)
        .parse((r, done) => {
          const parts: Buffer[] = [];
          r.on('data', (c: Buffer) => parts.push(c));
          r.on('end', () => done(null, Buffer.concat(parts)));
        })
        .expect(200);
      expect(Buffer.compare(res.body as Buffer, PDF_WITH_JS)).toBe(0);
      expect(res.headers['content-type']).toBe('application/pdf');
      expect(res.headers['content-disposition']).toBe(
        `attachment; filename="___.pdf"; filename*=UTF-8''${encodeURIComponent('带脚本.pdf')}`,
      );
      expect(res.headers['content-security-policy']).toContain('sandbox');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    });
  });

  describe('a file as a request material', () => {
    it('is attached on submission and read by the request’s approvers, the download on its timeline', async () => {
      const file = (await upload(tokens.applicant, PDF, '公司章程.pdf').expect(201)).body;
      const submitted = await submitWith(tokens.applicant, file.id).expect(201);
      const id = submitted.body.id as string;
      expect(submitted.body.materials).toEqual([
        { code: 'ARTICLES', reference: '公司章程（扫描件）', fileId: file.id },
      ]);
      const listed = await get(`/requests/${id}/files`, tokens.applicant).expect(200);
      expect(listed.body).toEqual([{ ...file, materialCode: 'ARTICLES' }]);

      await post(`/requests/${id}/accept`, tokens.clerk, {}).expect(200);
      const download = await get(`/requests/${id}/files/${file.id}/content`, tokens.approver)
        .buffer(true)
        .parse((r, done) => {
          const parts: Buffer[] = [];
          r.on('data', (c: Buffer) => parts.push(c));
          r.on('end', () => done(null, Buffer.concat(parts)));
        })
        .expect(200);
      expect(sha(download.body as Buffer)).toBe(file.sha256);
      const timeline = await get(`/requests/${id}/timeline`, tokens.applicant).expect(200);
      const downloaded = (timeline.body.items as { action: string; actor: { username?: string } | null }[]).filter(
        (e) => e.action === 'request.file-downloaded',
      );
      expect(downloaded).toHaveLength(1);

      // an approver of another department and another company do not see the request or its files
      await get(`/requests/${id}/files/${file.id}/content`, tokens.otherApprover).expect(404);
      await get(`/requests/${id}/files`, tokens.otherApplicant).expect(404);
      // a file not attached to this request is not found through it
      const loose = (await upload(tokens.applicant, PNG, 'loose.png').expect(201)).body;
      await get(`/requests/${id}/files/${loose.id}/content`, tokens.applicant).expect(404);
    });

    it('refuses a file of another company, or one it cannot see, changing nothing', async () => {
      const theirs = (await upload(tokens.otherApplicant, PDF, 'theirs.pdf').expect(201)).body;
      const db = app.get<DataSource>(getDataSourceToken());
      const count = async () => Number((await db.query('SELECT COUNT(*) AS n FROM service_requests'))[0].n);
      const before = await count();
      const res = await submitWith(tokens.applicant, theirs.id).expect(404);
      expect(res.body.message).toBe(`file ${theirs.id} not found`);
      const bad = await submitWith(tokens.applicant, 'x1').expect(400);
      expect(bad.body.message).toEqual(['materials.0.fileId: fileId must be the id of an uploaded file']);
      expect(await count()).toBe(before);
    });

    it('is what a clerk uploaded for the company when the clerk applies on its behalf (代办)', async () => {
      const file = (await upload(tokens.clerk, PDF, 'scan.pdf', `?companyUscc=${company}`).expect(201)).body;
      const res = await submitWith(tokens.clerk, file.id, { onBehalfOf: company }).expect(201);
      expect(res.body.materials[0].fileId).toBe(file.id);
      // the company's own file is the company's to attach, not the clerk's
      const own = (await upload(tokens.applicant, PDF, 'own.pdf').expect(201)).body;
      await submitWith(tokens.clerk, own.id, { onBehalfOf: company }).expect(404);
    });
  });

  describe('the clean-up', () => {
    it('removes a file no request took within a day, and its bytes when no other file has them; never an attached one', async () => {
      const db = app.get<DataSource>(getDataSourceToken());
      const lonely = Buffer.concat([PDF, Buffer.from(`lonely ${u}`)]);
      const kept = Buffer.concat([PDF, Buffer.from(`kept ${u}`)]);
      const orphan = (await upload(tokens.applicant, lonely, 'lonely.pdf').expect(201)).body;
      const attached = (await upload(tokens.applicant, kept, 'kept.pdf').expect(201)).body;
      await submitWith(tokens.applicant, attached.id).expect(201);
      const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
      await db.query('UPDATE stored_files SET created_at = ? WHERE id IN (?, ?)', [twoDaysAgo, orphan.id, attached.id]);
      // the bytes were written two days ago as well
      const { utimes } = await import('node:fs/promises');
      await utimes(blobPath(orphan.sha256), twoDaysAgo, twoDaysAgo);

      const removed = await app.get(FilesService).cleanUp(new Date(Date.now() - 86_400_000));
      expect(removed).toBeGreaterThanOrEqual(1);
      await get(`/files/${orphan.id}`, tokens.applicant).expect(404);
      expect(existsSync(blobPath(orphan.sha256))).toBe(false);
      await get(`/files/${attached.id}`, tokens.applicant).expect(200);
      expect(existsSync(blobPath(attached.sha256))).toBe(true);
      const audit = (await db.query(
        "SELECT action FROM audit_events WHERE subject_type = 'file' AND subject_id = ? ORDER BY id",
        [orphan.id],
      )) as { action: string }[];
      expect(audit.map((a) => a.action)).toEqual(['file.uploaded', 'file.removed']);
    });
  });
});
