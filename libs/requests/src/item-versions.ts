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
  /** The id of each item's latest published version, as last read. */
  private readonly latest = new Map<string, string>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * The version new requests of the item start on. Only its id is read each time, unless
   * `remembered`: then the id last read is taken without reading, for a caller whose write checks
   * that it is still the latest (IntakeWriter) and asks `superseded` when the write fails.
   */
  async latestPublished(itemCode: string, options: { remembered?: boolean } = {}): Promise<ItemVersion> {
    const remembered = options.remembered ? this.latest.get(itemCode) : undefined;
    const kept = remembered === undefined ? undefined : this.published.get(remembered);
    if (kept) return kept;
    const id = await this.latestId(itemCode);
    if (id === null) throw notFound(`published item ${itemCode}`);
    let version = this.published.get(id);
    if (!version) {
      version = (await this.dataSource.getRepository(ItemVersion).findOneBy({ id, status: 'published' }))!;
      this.keep(id, version);
    }
    return version;
  }

  /** Whether the item's latest published version is no longer `id` (read now, and remembered). */
  async superseded(itemCode: string, id: string): Promise<boolean> {
    return (await this.latestId(itemCode)) !== id;
  }

  private async latestId(itemCode: string): Promise<string | null> {
    const rows = (await this.dataSource.query(
      "SELECT id FROM item_versions WHERE item_code = ? AND status = 'published' ORDER BY version DESC LIMIT 1",
      [itemCode],
    )) as { id: string | number }[];
    if (rows.length === 0) {
      this.latest.delete(itemCode);
      return null;
    }
    const id = String(rows[0].id);
    // Only items that exist are remembered: as many as the catalogue has.
    this.latest.set(itemCode, id);
    return id;
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
