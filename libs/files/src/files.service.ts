import { AuditWriter } from '#audit';
import { APP_CONFIG, type AppConfig } from '#config';
import { Clock, DomainError, formatInstant, notFound, validationFailed } from '#common';
import { Company, RequestFile, StoredFile } from '#database';
import type { Actor } from '#identity';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { DataSource, type EntityManager, In } from 'typeorm';
import { FileStorage, type IncomingBytes } from './file-storage.js';
import { safeFileName } from './file-names.js';
import { SNIFF_BYTES, sniff } from './file-sniff.js';

export interface FileView {
  id: string;
  sha256: string;
  size: number;
  contentType: string;
  name: string;
  companyUscc: string;
  createdAt: string;
}

export const toFileView = (row: StoredFile): FileView => ({
  id: String(row.id),
  sha256: row.sha256,
  size: Number(row.size),
  contentType: row.contentType,
  name: row.name,
  companyUscc: row.companyUscc,
  createdAt: formatInstant(row.createdAt),
});

/** Bytes received in full and typed, not yet kept as a file. */
export interface ReceivedBytes {
  incoming: IncomingBytes;
  sha256: string;
  size: number;
  contentType: string;
  discard(): Promise<void>;
}

/** A file's bytes to send, with what to call them. */
export interface FileDownload {
  file: FileView;
  body: Readable;
}

const FILE_ID = /^[1-9]\d{0,18}$/;

/**
 * Materials as files: uploaded by a company (or by a clerk for it, 代办), hashed and typed while they
 * stream in, kept once per content, attached to requests, and cleaned up when never attached.
 */
@Injectable()
export class FilesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly storage: FileStorage,
    private readonly audit: AuditWriter,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get limits(): { maxFileBytes: number; maxRequestBytes: number } {
    return { maxFileBytes: this.config.files.maxFileBytes, maxRequestBytes: this.config.files.maxRequestBytes };
  }

  /** The company a new file belongs to: an applicant's own; the one a clerk names (代办); nobody else uploads. */
  async ownerFor(actor: Actor, companyUscc: string | undefined): Promise<string> {
    if (actor.role === 'applicant') {
      if (!actor.companyUscc) throw new DomainError('Forbidden', 'an applicant uploads for their own company');
      if (companyUscc !== undefined && companyUscc !== actor.companyUscc) throw notFound(`company ${companyUscc}`);
      return actor.companyUscc;
    }
    if (actor.role === 'clerk') {
      if (companyUscc === undefined) throw validationFailed('a clerk uploads for a company: give companyUscc');
      if (!(await this.dataSource.getRepository(Company).existsBy({ uscc: companyUscc }))) {
        throw notFound(`company ${companyUscc}`);
      }
      return companyUscc;
    }
    throw new DomainError('Forbidden', 'files are uploaded by applicants and clerks');
  }

  /**
   * Streams `source` into the storage, hashing and counting as it goes: over the limit it stops at
   * once (nothing kept), and bytes that are not a PDF, JPEG, PNG or OFD are refused as soon as their
   * first bytes tell. What comes back is held aside, not yet a file: `save` makes it one, once the
   * whole request has been read, and `discard` drops it when the request turns out malformed.
   */
  async receive(source: Readable): Promise<ReceivedBytes> {
    const max = this.config.files.maxFileBytes;
    const incoming = await this.storage.begin();
    const hash = createHash('sha256');
    let size = 0;
    let head = Buffer.alloc(0);
    let contentType: string | undefined;
    const typed = async () => {
      const kind = await sniff(head);
      if ('found' in kind) {
        throw new DomainError(
          'UnsupportedType',
          `the file is of type ${kind.found}; a material must be a PDF, JPEG, PNG or OFD file`,
        );
      }
      return kind.accepted;
    };
    try {
      for await (const chunk of source as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > max) throw new DomainError('TooLarge', `the file is larger than the limit of ${max} bytes`);
        if (head.length < SNIFF_BYTES) {
          head = Buffer.concat([head, chunk.subarray(0, SNIFF_BYTES - head.length)]);
          if (head.length >= SNIFF_BYTES) contentType = await typed();
        }
        hash.update(chunk);
        if (!incoming.stream.write(chunk)) await once(incoming.stream, 'drain');
      }
      if (size === 0) throw validationFailed('the file is empty');
      contentType ??= await typed();
      incoming.stream.end();
      return { incoming, sha256: hash.digest('hex'), size, contentType, discard: () => incoming.abort() };
    } catch (error) {
      await incoming.abort();
      throw error;
    }
  }

  /** Keeps received bytes as the company's file (the same bytes once on disk), with its row and audit event. */
  async save(actor: Actor, owner: string, name: string | undefined, received: ReceivedBytes): Promise<FileView> {
    const { incoming, sha256, size, contentType } = received;
    try {
      await incoming.commit(sha256);
      return await this.dataSource.transaction('REPEATABLE READ', async (manager) => {
        const row = manager.create(StoredFile, {
          sha256,
          size: String(size),
          contentType,
          name: safeFileName(name),
          companyUscc: owner,
          uploadedBy: actor.id,
          hallCode: actor.role === 'clerk' ? (actor.hallCode ?? null) : null,
          createdAt: this.clock.now(),
        });
        await manager.insert(StoredFile, row);
        const view = toFileView(row);
        await this.audit.append(manager, {
          subjectType: 'file',
          subjectId: view.id,
          action: 'file.uploaded',
          actor,
          payload: { ...view },
        });
        return view;
      });
    } catch (error) {
      await incoming.abort();
      throw error;
    }
  }

  /**
   * Whether the actor holds the file itself: the company it belongs to, or the hall whose clerk
   * uploaded it for the company. Anyone else is told it is not found, as if it did not exist.
   */
  private holds(actor: Actor, row: StoredFile): boolean {
    if (actor.role === 'applicant') return actor.companyUscc === row.companyUscc;
    if (actor.role === 'clerk') return row.hallCode !== null && actor.hallCode === row.hallCode;
    return false;
  }

  private async row(manager: EntityManager, id: string): Promise<StoredFile> {
    const row = FILE_ID.test(id) ? await manager.findOneBy(StoredFile, { id }) : null;
    if (!row) throw notFound(`file ${id}`);
    return row;
  }

  /** A file of the actor's own (see `holds`). */
  async ownView(actor: Actor, id: string): Promise<FileView> {
    const row = await this.row(this.dataSource.manager, id);
    if (!this.holds(actor, row)) throw notFound(`file ${id}`);
    return toFileView(row);
  }

  /** The bytes of one of the actor's own files, the download audited on the file. */
  async downloadOwn(actor: Actor, id: string): Promise<FileDownload> {
    const file = await this.ownView(actor, id);
    await this.audit.append(this.dataSource.manager, {
      subjectType: 'file',
      subjectId: file.id,
      action: 'file.downloaded',
      actor,
      payload: { fileId: file.id, sha256: file.sha256 },
    });
    return { file, body: await this.storage.open(file.sha256) };
  }

  /** The files attached to a request, by material. */
  async ofRequest(manager: EntityManager, requestId: string): Promise<(FileView & { materialCode: string })[]> {
    const links = await manager.find(RequestFile, { where: { requestId }, order: { attachedAt: 'ASC' } });
    if (links.length === 0) return [];
    const rows = await manager.findBy(StoredFile, { id: In([...new Set(links.map((l) => l.fileId))]) });
    const byId = new Map(rows.map((r) => [String(r.id), r]));
    return links.map((l) => ({ ...toFileView(byId.get(String(l.fileId))!), materialCode: l.materialCode }));
  }

  /** The bytes of a file attached to the request (the caller has checked the actor may see the request). */
  async openAttached(manager: EntityManager, requestId: string, fileId: string): Promise<FileDownload> {
    const attached = FILE_ID.test(fileId) && (await manager.existsBy(RequestFile, { requestId, fileId }));
    if (!attached) throw notFound(`file ${fileId} of request ${requestId}`);
    const file = toFileView(await this.row(manager, fileId));
    return { file, body: await this.storage.open(file.sha256) };
  }

  /**
   * Checks that the actor may attach each file to a request of `companyUscc` (theirs, see `holds`,
   * and the company's), and that together with what the request already has they stay within the
   * request's limit; attaches them in the caller's transaction (only checks, for a request not yet made: null id).
   */
  async attach(
    manager: EntityManager,
    actor: Actor,
    request: { id: string | null; companyUscc: string },
    files: { fileId: string; materialCode: string }[],
  ): Promise<void> {
    if (files.length === 0) return;
    const ids = [...new Set(files.map((f) => f.fileId))];
    const rows = await manager.findBy(StoredFile, { id: In(ids.filter((id) => FILE_ID.test(id))) });
    const byId = new Map(rows.map((r) => [String(r.id), r]));
    for (const id of ids) {
      const row = byId.get(id);
      if (!row || !this.holds(actor, row) || row.companyUscc !== request.companyUscc) throw notFound(`file ${id}`);
    }
    const already = request.id === null ? [] : await manager.find(RequestFile, { where: { requestId: request.id } });
    const known = new Set(already.map((l) => String(l.fileId)));
    const sizes = await manager.findBy(StoredFile, { id: In([...new Set([...known, ...ids])]) });
    const total = sizes.reduce((sum, r) => sum + Number(r.size), 0);
    const max = this.config.files.maxRequestBytes;
    if (total > max) {
      throw new DomainError(
        'TooLarge',
        `the files of a request add up to ${total} bytes, more than the limit of ${max}`,
      );
    }
    const requestId = request.id;
    if (requestId === null) return;
    const attachedAt = this.clock.now();
    await manager
      .createQueryBuilder()
      .insert()
      .into(RequestFile)
      .values(files.map((f) => ({ requestId, fileId: f.fileId, materialCode: f.materialCode, attachedAt })))
      .orIgnore()
      .execute();
  }

  /**
   * Removes the files uploaded before `olderThan` that no request took, and then the bytes no file
   * row names any more (unless written or deduplicated since `olderThan`, when an upload may be on
   * its way to naming them). Returns how many file rows went.
   */
  async cleanUp(olderThan: Date): Promise<number> {
    const orphans = (await this.dataSource.query(
      `SELECT f.id, f.sha256 FROM stored_files f
        WHERE f.created_at < ? AND NOT EXISTS (SELECT 1 FROM request_files rf WHERE rf.file_id = f.id)
        ORDER BY f.id LIMIT 1000`,
      [olderThan],
    )) as { id: string; sha256: string }[];
    if (orphans.length === 0) return 0;
    await this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      await manager.query(
        `DELETE FROM stored_files WHERE id IN (?)
           AND NOT EXISTS (SELECT 1 FROM request_files rf WHERE rf.file_id = stored_files.id)`,
        [orphans.map((o) => o.id)],
      );
      await this.audit.appendMany(
        manager,
        orphans.map((o) => ({
          subjectType: 'file',
          subjectId: String(o.id),
          action: 'file.removed',
          actor: null,
          payload: { reason: 'never attached to a request' },
        })),
      );
    });
    for (const sha256 of new Set(orphans.map((o) => o.sha256))) {
      const named = await this.dataSource.getRepository(StoredFile).existsBy({ sha256 });
      const keptAt = await this.storage.keptAt(sha256);
      if (!named && keptAt !== null && keptAt < olderThan) await this.storage.remove(sha256);
    }
    return orphans.length;
  }
}
