import { AuditWriter } from '#audit';
import { type FileDownload, FilesService, type FileView } from '#files';
import type { Actor } from '#identity';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { loadVisibleRequest } from './request-scope.js';

/**
 * The files a request's materials were handed in as, for whoever may see the request: its company,
 * the hall's clerks and managers, the approvers of its departments. Each download is on the
 * request's timeline.
 */
@Injectable()
export class RequestFiles {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly files: FilesService,
    private readonly audit: AuditWriter,
  ) {}

  async list(actor: Actor, id: string): Promise<(FileView & { materialCode: string })[]> {
    const { request } = await loadVisibleRequest(this.dataSource.manager, actor, id, false);
    return this.files.ofRequest(this.dataSource.manager, String(request.id));
  }

  async download(actor: Actor, id: string, fileId: string): Promise<FileDownload> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const { request } = await loadVisibleRequest(manager, actor, id, false);
      const download = await this.files.openAttached(manager, String(request.id), fileId);
      await this.audit.append(manager, {
        subjectType: 'request',
        subjectId: String(request.id),
        action: 'request.file-downloaded',
        actor,
        payload: { fileId: download.file.id, name: download.file.name, sha256: download.file.sha256 },
      });
      return download;
    });
  }
}
