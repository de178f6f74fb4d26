import { AuditWriter } from '#audit';
import {
  alreadyExists,
  Clock,
  decodeCursor,
  DEFAULT_PAGE_LIMIT,
  DomainError,
  encodeCursor,
  formatInstant,
  insertOrConflict,
  notFound,
  type Page,
  validationFailed,
} from '#common';
import { Department, ServiceAccount } from '#database';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { Actor } from './actor.js';

/** An API key: `otk_`, the key's id (16 hex digits, how it is found), `_`, its secret (32 random bytes, base64url). */
export const API_KEY = /^otk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

/** A service account as the api shows it: never its key. */
export interface ServiceAccountView {
  id: string;
  name: string;
  departmentCode: string;
  /** The key's id, the part of the key before its secret, so an admin can tell which key a system holds. */
  keyId: string;
  createdAt: string;
  /** When its key was last used (to the minute), or null when never. */
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface NewServiceAccount {
  name: string;
  departmentCode: string;
}

/** Usage is recorded at most once a minute per key, so a busy system does not write on every call. */
export const LAST_USED_RESOLUTION_MS = 60_000;

const keyHash = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex');

function toView(row: ServiceAccount): ServiceAccountView {
  return {
    id: row.id,
    name: row.name,
    departmentCode: row.departmentCode,
    keyId: row.keyId,
    createdAt: formatInstant(row.createdAt),
    lastUsedAt: row.lastUsedAt ? formatInstant(row.lastUsedAt) : null,
    revokedAt: row.revokedAt ? formatInstant(row.revokedAt) : null,
  };
}

/**
 * 部门业务系统: an admin creates a department's service account, whose API key is shown once and
 * kept only as its SHA-256 (the key is 32 random bytes, so a fast hash is enough); a revoked key is
 * refused at once. With its key a system acts with the role `system`, bound to its department.
 */
@Injectable()
export class ServiceAccountsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditWriter,
    private readonly clock: Clock,
  ) {}

  async create(actor: Actor, input: NewServiceAccount): Promise<ServiceAccountView & { apiKey: string }> {
    const keyId = randomBytes(8).toString('hex');
    const apiKey = `otk_${keyId}_${randomBytes(32).toString('base64url')}`;
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      if (!(await manager.existsBy(Department, { code: input.departmentCode }))) {
        throw validationFailed(`department ${input.departmentCode} does not exist`);
      }
      const taken = () => alreadyExists(`service account ${input.name}`);
      if (await manager.existsBy(ServiceAccount, { name: input.name })) throw taken();
      const row = manager.create(ServiceAccount, {
        name: input.name,
        departmentCode: input.departmentCode,
        keyId,
        keyHash: keyHash(apiKey),
        createdAt: this.clock.now(),
        lastUsedAt: null,
        revokedAt: null,
      });
      await insertOrConflict(manager.insert(ServiceAccount, row), taken);
      const view = toView(row);
      await this.audit.created(manager, 'service_account', row.id, actor, view);
      return { ...view, apiKey };
    });
  }

  /** Every service account, the newest first (admin), a page at a time. */
  async list(limit = DEFAULT_PAGE_LIMIT, cursor?: string): Promise<Page<ServiceAccountView>> {
    const after = decodeCursor(cursor);
    const query = this.dataSource
      .getRepository(ServiceAccount)
      .createQueryBuilder('a')
      .orderBy('a.id', 'DESC')
      .take(limit + 1);
    if (after !== undefined) query.where('a.id < :after', { after });
    const rows = await query.getMany();
    const items = rows.slice(0, limit).map(toView);
    return { items, nextCursor: rows.length > limit ? encodeCursor(items[items.length - 1].id) : null };
  }

  /** Revoked is final: the key is refused from now on, and a second revocation is a 409. */
  async revoke(actor: Actor, id: string): Promise<ServiceAccountView> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const row = /^[1-9]\d{0,18}$/.test(id)
        ? await manager.findOne(ServiceAccount, { where: { id }, lock: { mode: 'pessimistic_write' } })
        : null;
      if (!row) throw notFound(`service account ${id}`);
      if (row.revokedAt) throw new DomainError('IllegalTransition', `service account ${row.name} is already revoked`);
      row.revokedAt = this.clock.now();
      await manager.update(ServiceAccount, { id: row.id }, { revokedAt: row.revokedAt });
      const view = toView(row);
      await this.audit.append(manager, {
        subjectType: 'service_account',
        subjectId: row.id,
        action: 'service_account.revoked',
        actor,
        statusFrom: 'active',
        statusTo: 'revoked',
        payload: { name: row.name, departmentCode: row.departmentCode, keyId: row.keyId },
      });
      return view;
    });
  }

  /**
   * The actor an API key names, or null when it is malformed, unknown, wrong or revoked. Records
   * the use at most once a minute per key.
   */
  async verify(apiKey: string): Promise<Actor | null> {
    const match = API_KEY.exec(apiKey);
    if (!match) return null;
    const row = await this.dataSource.getRepository(ServiceAccount).findOneBy({ keyId: match[1] });
    if (!row || row.revokedAt) return null;
    if (!timingSafeEqual(Buffer.from(keyHash(apiKey), 'hex'), Buffer.from(row.keyHash, 'hex'))) return null;
    const now = this.clock.now();
    const stale = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
    if (!row.lastUsedAt || row.lastUsedAt < stale) {
      await this.dataSource
        .createQueryBuilder()
        .update(ServiceAccount)
        .set({ lastUsedAt: now })
        .where('id = :id AND (last_used_at IS NULL OR last_used_at < :stale)', { id: row.id, stale })
        .execute();
    }
    return { id: row.id, username: row.name, role: 'system', departmentCode: row.departmentCode };
  }
}
