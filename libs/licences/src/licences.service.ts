import { AuditWriter } from '#audit';
import {
  Clock,
  decodeCursor,
  DomainError,
  encodeCursor,
  notFound,
  type Page,
  validationFailed,
  pageLimit,
} from '#common';
import { Licence } from '#database';
import type { Actor } from '#identity';
import { OutboxWriter } from '#queue';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { type LicenceCheck, licenceStatus, type LicenceView, toLicenceCheck, toLicenceView } from './licence-views.js';
import { newVerificationCode, normaliseVerificationCode } from './verification-code.js';

/** One output of a completing request, to become a licence. */
export interface NewLicence {
  requestId: string;
  stepKey: string;
  number: string;
  kind: string;
  name: string;
  departmentCode: string;
  matterCode: string;
  holderUscc: string;
  /** Whole years the licence is valid for (the matter's output says); none: without end. */
  validForYears?: number;
}

/** Which licences a list shows. */
export interface LicenceFilter {
  uscc?: string;
  kind?: string;
  limit?: number;
  cursor?: string;
}

/** A year later by the calendar, as the Asia/Shanghai date reads (a 29 February ends on 28 February). */
function yearsAfter(instant: Date, years: number): Date {
  const end = new Date(instant.getTime());
  end.setUTCFullYear(end.getUTCFullYear() + years);
  if (end.getUTCDate() !== instant.getUTCDate()) end.setUTCDate(0);
  return end;
}

/**
 * 电子证照: the licences the departments issued, one per output of a completed request (证照同发:
 * all in the completion's transaction), read by their holder and by the hall and the departments,
 * checked by anyone with a verification code, revoked by the issuing department, and standing in
 * for the materials they cover (免提交).
 */
@Injectable()
export class LicencesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditWriter,
    private readonly outbox: OutboxWriter,
    private readonly clock: Clock,
  ) {}

  /**
   * Issues a licence for each output, inside the transaction that completes the request. The
   * (request, step) key is unique: an output is a licence once, whatever runs twice.
   */
  async issue(manager: EntityManager, outputs: readonly NewLicence[], issuedAt: Date): Promise<Licence[]> {
    if (outputs.length === 0) return [];
    const holders = [...new Set(outputs.map((o) => o.holderUscc))];
    const names = new Map(
      (
        (await manager.query('SELECT uscc, name FROM companies WHERE uscc IN (?)', [holders])) as {
          uscc: string;
          name: string;
        }[]
      ).map((c) => [c.uscc, c.name]),
    );
    const rows = outputs.map((o) =>
      manager.create(Licence, {
        number: o.number,
        kind: o.kind,
        name: o.name,
        holderUscc: o.holderUscc,
        holderName: names.get(o.holderUscc) ?? o.holderUscc,
        departmentCode: o.departmentCode,
        matterCode: o.matterCode,
        requestId: o.requestId,
        stepKey: o.stepKey,
        issuedAt,
        validUntil: o.validForYears ? yearsAfter(issuedAt, o.validForYears) : null,
        verificationCode: newVerificationCode(),
        revokedAt: null,
        revokedBy: null,
        revokeReason: null,
      }),
    );
    await manager.insert(Licence, rows);
    return rows;
  }

  /** The licences the actor may see: an applicant only their company's; the hall, departments and managers any company's. */
  async list(actor: Actor, filter: LicenceFilter): Promise<Page<LicenceView>> {
    const uscc = this.holderFor(actor, filter.uscc);
    const limit = pageLimit(filter.limit);
    const before = decodeCursor(filter.cursor);
    const query = this.dataSource.getRepository(Licence).createQueryBuilder('l');
    if (uscc) query.andWhere('l.holderUscc = :uscc', { uscc });
    if (filter.kind) query.andWhere('l.kind = :kind', { kind: filter.kind });
    if (before) query.andWhere('l.id < :before', { before });
    const rows = await query
      .orderBy('l.id', 'DESC')
      .limit(limit + 1)
      .getMany();
    const page = rows.slice(0, limit);
    const now = this.clock.now();
    return {
      items: page.map((row) => toLicenceView(row, now)),
      nextCursor: rows.length > limit ? encodeCursor(String(page[page.length - 1].id)) : null,
    };
  }

  /** A licence as the api shows it, its status as of now. */
  view(row: Licence): LicenceView {
    return toLicenceView(row, this.clock.now());
  }

  async get(actor: Actor, id: string): Promise<LicenceView> {
    return toLicenceView(await this.visible(this.dataSource.manager, actor, id), this.clock.now());
  }

  /** Public: whether the licence with this code is valid, its kind, holder and dates; an unknown code is a 404. */
  async verify(code: string): Promise<LicenceCheck> {
    const normalised = normaliseVerificationCode(code);
    if (!normalised)
      throw validationFailed(
        'a verification code is 16 letters and digits, as printed on the licence (none of 0, 1, 2, 5, 8, B, I, L, O, S, Z)',
      );
    const row = await this.dataSource.getRepository(Licence).findOneBy({ verificationCode: normalised });
    if (!row) throw notFound(`licence with verification code ${normalised}`);
    return toLicenceCheck(row, this.clock.now());
  }

  /**
   * 撤销: the issuing department's approver revokes a licence, with the reason, on the request's
   * timeline; the holder is told. Another department's licence is not found (as its steps are).
   * Revoked is final: a second revocation is a 409.
   */
  async revoke(actor: Actor, id: string, reason: string): Promise<LicenceView> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const row = await this.visible(manager, actor, id, true);
      // As with another department's step: not theirs to act on, so not found.
      if (actor.role !== 'approver' || actor.departmentCode !== row.departmentCode) throw notFound(`licence ${id}`);
      if (row.revokedAt) throw new DomainError('IllegalTransition', `licence ${row.number} is already revoked`);
      const now = this.clock.now();
      const before = licenceStatus(row, now);
      row.revokedAt = now;
      row.revokedBy = actor.id;
      row.revokeReason = reason;
      await manager.update(Licence, { id: row.id }, { revokedAt: now, revokedBy: actor.id, revokeReason: reason });
      await this.audit.append(manager, {
        subjectType: 'request',
        subjectId: String(row.requestId),
        action: 'licence.revoked',
        actor,
        statusFrom: before,
        statusTo: 'revoked',
        payload: { licenceId: String(row.id), number: row.number, name: row.name, stepKey: row.stepKey, reason },
      });
      await this.outbox.add(manager, 'licence.revoked', {
        licenceId: String(row.id),
        requestId: String(row.requestId),
      });
      return toLicenceView(row, now);
    });
  }

  /**
   * 免提交: for each licence kind asked, the company's valid licence of that kind (the latest issued),
   * to stand in for the material that names the kind.
   */
  async validByKind(
    manager: EntityManager,
    holderUscc: string,
    kinds: readonly string[],
    at: Date = this.clock.now(),
  ): Promise<Map<string, Licence>> {
    const found = new Map<string, Licence>();
    if (kinds.length === 0) return found;
    const rows = await manager
      .getRepository(Licence)
      .createQueryBuilder('l')
      .where('l.holderUscc = :holderUscc AND l.kind IN (:...kinds) AND l.revokedAt IS NULL', { holderUscc, kinds })
      .andWhere('(l.validUntil IS NULL OR l.validUntil > :at)', { at })
      .orderBy('l.issuedAt', 'DESC')
      .addOrderBy('l.id', 'DESC')
      .getMany();
    for (const row of rows) if (!found.has(row.kind)) found.set(row.kind, row);
    return found;
  }

  /** The standing of the licences with these ids now, by id (a licence no longer there reads as revoked). */
  async statusOf(
    manager: EntityManager,
    ids: readonly string[],
  ): Promise<Map<string, { status: string; number: string }>> {
    const out = new Map<string, { status: string; number: string }>();
    if (ids.length === 0) return out;
    const now = this.clock.now();
    const rows = await manager
      .getRepository(Licence)
      .createQueryBuilder('l')
      .where('l.id IN (:...ids)', { ids })
      .getMany();
    for (const row of rows) out.set(String(row.id), { status: licenceStatus(row, now), number: row.number });
    return out;
  }

  /** The company whose licences an actor lists: an applicant's own (naming another is a 404); staff name any, or none for all. */
  holderFor(actor: Actor, uscc: string | undefined): string | undefined {
    if (actor.role === 'applicant') {
      if (uscc !== undefined && uscc !== actor.companyUscc) throw notFound(`company ${uscc}`);
      return actor.companyUscc!;
    }
    return uscc;
  }

  /** A licence the actor may see, locked when asked; another company's is not found for an applicant. */
  private async visible(manager: EntityManager, actor: Actor, id: string, lock = false): Promise<Licence> {
    const query = manager.getRepository(Licence).createQueryBuilder('l').where('l.id = :id', { id });
    if (lock) query.setLock('pessimistic_write');
    const row = await query.getOne();
    if (!row || (actor.role === 'applicant' && row.holderUscc !== actor.companyUscc)) throw notFound(`licence ${id}`);
    return row;
  }
}
