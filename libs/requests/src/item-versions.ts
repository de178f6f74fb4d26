import { JOINT_LEGAL_LIMIT } from '#catalogue';
import { notFound } from '#common';
import { ItemVersion } from '#database';
import type { ClockLimits } from '#sla';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

/** Published versions kept in memory; far more than a zone's catalogue has items. */
const PUBLISHED_VERSIONS_KEPT = 500;

/** The limits of a request's clocks, from the version it was submitted on. */
export function clockLimitsOf(version: ItemVersion): ClockLimits {
  return {
    calendarCode: version.calendarCode,
    warnShare: Number(version.warnShare),
    intake: version.intakeLimit,
    request: version.promisedLimit,
    requestLegal: version.joint ? JOINT_LEGAL_LIMIT : null,
    steps: new Map(version.steps.map((s) => [s.key, { promised: s.promisedLimit, legal: s.legalLimit ?? null }])),
  };
}

/**
 * The item versions requests start on and keep: the checklist, the steps, the limits. A published
 * version never changes, so it is kept in memory by id, one cache for every use case.
 */
@Injectable()
export class ItemVersions {
  private readonly published = new Map<string, ItemVersion>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The version new requests of the item start on. Only its id is read each time. */
  async latestPublished(itemCode: string): Promise<ItemVersion> {
    const rows = (await this.dataSource.query(
      "SELECT id FROM item_versions WHERE item_code = ? AND status = 'published' ORDER BY version DESC LIMIT 1",
      [itemCode],
    )) as { id: string | number }[];
    if (rows.length === 0) throw notFound(`published item ${itemCode}`);
    const id = String(rows[0].id);
    let version = this.published.get(id);
    if (!version) {
      version = (await this.dataSource.getRepository(ItemVersion).findOneBy({ id, status: 'published' }))!;
      this.keep(id, version);
    }
    return version;
  }

  /** A request's version by id. */
  async byId(id: string, manager: EntityManager = this.dataSource.manager): Promise<ItemVersion> {
    let version = this.published.get(id);
    if (!version) {
      // Inside a transaction, on its own connection: never wait for a second pooled one.
      const row = await manager.getRepository(ItemVersion).findOneBy({ id });
      if (!row) throw new Error(`item version ${id} is missing`);
      version = row;
      if (row.status === 'published') this.keep(id, row);
    }
    return version;
  }

  /** The limits of a request's clocks: its version's promised limits, each step's legal one too. */
  async limitsOf(versionId: string, manager?: EntityManager): Promise<ClockLimits> {
    return clockLimitsOf(await this.byId(versionId, manager));
  }

  private keep(id: string, version: ItemVersion): void {
    if (this.published.size >= PUBLISHED_VERSIONS_KEPT) this.published.clear();
    this.published.set(id, version);
  }
}
