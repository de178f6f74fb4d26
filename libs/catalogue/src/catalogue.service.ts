import { AuditWriter } from '#audit';
import {
  Clock,
  DEFAULT_PAGE_LIMIT,
  DomainError,
  formatInstant,
  isDuplicateKey,
  notFound,
  type Page,
  retryOnDeadlock,
  validationFailed,
} from '#common';
import { type ItemStage, ItemVersion, Matter, readCommitted } from '#database';
import type { Actor } from '#identity';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In, type ObjectLiteral } from 'typeorm';
import { formSchemaProblems } from './form-schema.js';
import type { ItemSummaryView, ItemVersionView, NewItem, PublishedItemView, VersionStep } from './catalogue.types.js';
import { mergeChecklist } from './checklist.js';
import { pageByCode } from './code-page.js';
import { stepProblems, topologicalOrder } from './item-steps.js';
import { jointPromiseProblem } from './matter-rules.js';

export const DEFAULT_CALENDAR_CODE = 'zone';

export function toItemVersionView(row: ItemVersion): ItemVersionView {
  return {
    id: String(row.id),
    itemCode: row.itemCode,
    version: Number(row.version),
    status: row.status,
    name: row.name,
    category: row.category,
    stage: row.stage ?? null,
    joint: !!row.joint,
    calendarCode: row.calendarCode,
    promisedLimit: row.promisedLimit,
    warnShare: Number(row.warnShare),
    intakeLimit: row.intakeLimit ?? null,
    steps: row.steps,
    checklist: row.checklist,
    formSchema: row.formSchema ?? null,
    publishedAt: row.publishedAt ? formatInstant(row.publishedAt) : null,
  };
}

/** What anyone may read of a published version: no ids, no legal limits, no drafts. */
export function toPublishedItemView(view: ItemVersionView): PublishedItemView {
  if (view.status !== 'published' || view.publishedAt === null) {
    throw new Error(`version ${view.version} of item ${view.itemCode} is not published`);
  }
  return {
    code: view.itemCode,
    name: view.name,
    category: view.category,
    stage: view.stage,
    joint: view.joint,
    calendarCode: view.calendarCode,
    version: view.version,
    promisedLimit: view.promisedLimit,
    warnShare: view.warnShare,
    intakeLimit: view.intakeLimit,
    steps: view.steps.map((step) => ({
      key: step.key,
      matterCode: step.matterCode,
      matterName: step.matterName,
      departmentCode: step.departmentCode,
      dependsOn: step.dependsOn,
      promisedLimit: step.promisedLimit,
      output: step.output,
    })),
    checklist: view.checklist,
    formSchema: view.formSchema,
    publishedAt: view.publishedAt,
  };
}

const VERSION_ID = /^[1-9]\d{0,19}$/;

/**
 * 一件事 and its versions. A POST makes a draft whose steps are a snapshot of their matters; a
 * draft is published once and never changes afterwards, so a request can keep the version it
 * started on (by id) whatever is defined later.
 */
@Injectable()
export class CatalogueService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditWriter,
    private readonly clock: Clock,
  ) {}

  /** A new draft version of the item (v1 for a new code, then the next number). */
  async createDraft(actor: Actor | null, input: NewItem): Promise<ItemVersionView> {
    const definitions = input.steps.map((step) => ({
      key: step.key,
      matterCode: step.matterCode,
      dependsOn: [...(step.dependsOn ?? [])],
    }));
    const matterCodes = [...new Set(definitions.map((step) => step.matterCode))];
    // Matters are never changed or deleted, so what is read here is what the snapshot keeps.
    const matters = matterCodes.length
      ? await this.dataSource.getRepository(Matter).findBy({ code: In(matterCodes) })
      : [];
    const matterByCode = new Map(matters.map((matter) => [matter.code, matter]));
    const problems = stepProblems(definitions, new Set(matterByCode.keys()));
    const calendarCode = input.calendarCode ?? DEFAULT_CALENDAR_CODE;
    const calendars = (await this.dataSource.query('SELECT code FROM calendars WHERE code = ?', [
      calendarCode,
    ])) as unknown[];
    if (calendars.length === 0) problems.push(`calendar ${calendarCode} does not exist`);
    if (input.formSchema) problems.push(...formSchemaProblems(input.formSchema));
    const joint = input.joint ? jointPromiseProblem(input.promisedLimit) : null;
    if (joint) problems.unshift(joint);
    if (problems.length > 0) throw validationFailed(problems);

    const steps: VersionStep[] = definitions.map((step) => {
      const matter = matterByCode.get(step.matterCode)!;
      return {
        key: step.key,
        matterCode: matter.code,
        matterName: matter.name,
        departmentCode: matter.departmentCode,
        dependsOn: step.dependsOn,
        promisedLimit: matter.promisedLimit,
        legalLimit: matter.legalLimit,
        materials: matter.materials,
        output: matter.output,
      };
    });
    const stepByKey = new Map(steps.map((step) => [step.key, step]));
    const checklist = mergeChecklist(topologicalOrder(definitions).map((key) => stepByKey.get(key)!));

    return retryOnDeadlock(() =>
      // READ COMMITTED: the MAX(version) read after taking the item's lock sees every version
      // committed by the writer that held the lock before, whatever this transaction read first.
      readCommitted(this.dataSource, async (manager) => {
        const now = this.clock.now();
        const version = (await this.lockItem(manager, input.code, now)) + 1;
        const row = manager.create(ItemVersion, {
          itemCode: input.code,
          version,
          status: 'draft',
          name: input.name,
          category: input.category,
          stage: input.stage ?? null,
          joint: input.joint ?? false,
          calendarCode: input.calendarCode ?? DEFAULT_CALENDAR_CODE,
          promisedLimit: { value: input.promisedLimit.value, unit: input.promisedLimit.unit },
          warnShare: (input.warnShare ?? 0.8).toFixed(3),
          intakeLimit: input.intakeLimit ? { value: input.intakeLimit.value, unit: input.intakeLimit.unit } : null,
          formSchema: input.formSchema ?? null,
          steps,
          checklist,
          createdAt: now,
          publishedAt: null,
        });
        try {
          // ObjectLiteral: TypeORM's deep-partial type of the recursive JSON columns is too deep for tsc.
          await manager.insert<ObjectLiteral>(ItemVersion, row);
        } catch (error) {
          // Unreachable while every writer takes the item lock; the unique key is the backstop.
          if (isDuplicateKey(error)) {
            throw new DomainError('VersionConflict', `version ${version} of item ${input.code} was created meanwhile`);
          }
          throw error;
        }
        await this.audit.append(manager, {
          subjectType: 'item',
          subjectId: input.code,
          action: 'item.version-created',
          actor,
          payload: { versionId: String(row.id), version, status: 'draft', name: input.name },
        });
        return toItemVersionView(row);
      }),
    );
  }

  /** Freezes a draft: from now on it is what requests for the item start on. */
  async publish(actor: Actor | null, itemCode: string, version: number): Promise<ItemVersionView> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const row = await manager
        .createQueryBuilder(ItemVersion, 'v')
        .where('v.item_code = :itemCode AND v.version = :version', { itemCode, version })
        .setLock('pessimistic_write')
        .getOne();
      if (!row) throw notFound(`version ${version} of item ${itemCode}`);
      if (row.status !== 'draft') {
        throw new DomainError(
          'IllegalTransition',
          `version ${version} of item ${itemCode} is already ${row.status}; only a draft can be published`,
          { state: row.status },
        );
      }
      const publishedAt = this.clock.now();
      await manager.update(ItemVersion, { id: row.id }, { status: 'published', publishedAt });
      row.status = 'published';
      row.publishedAt = publishedAt;
      await this.audit.append(manager, {
        subjectType: 'item',
        subjectId: itemCode,
        action: 'item.version-published',
        actor,
        payload: { versionId: String(row.id), version, status: 'published' },
      });
      return toItemVersionView(row);
    });
  }

  /**
   * The latest published version of each item, by item code; of one stage, and whose name or code
   * contains `q`, when asked.
   */
  listPublished(
    limit = DEFAULT_PAGE_LIMIT,
    cursor?: string,
    filter: { stage?: ItemStage; q?: string } = {},
  ): Promise<Page<ItemSummaryView>> {
    const { stage, q } = filter;
    const query = this.dataSource
      .getRepository(ItemVersion)
      .createQueryBuilder('v')
      .select([
        'v.id',
        'v.itemCode',
        'v.version',
        'v.name',
        'v.category',
        'v.stage',
        'v.joint',
        'v.calendarCode',
        'v.promisedLimit',
        'v.publishedAt',
      ])
      .where('v.status = :published', { published: 'published' })
      .andWhere(
        'v.version = (SELECT MAX(p.version) FROM item_versions p WHERE p.item_code = v.item_code AND p.status = :published)',
      );
    if (stage !== undefined) query.andWhere('v.stage = :stage', { stage });
    if (q) {
      const words = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      query.andWhere('(v.name LIKE :words OR v.item_code LIKE :code)', { words, code: words.toUpperCase() });
    }
    return pageByCode(query, { column: 'v.item_code', codeOf: (v) => v.itemCode, limit, cursor }, (v) => ({
      code: v.itemCode,
      name: v.name,
      category: v.category,
      stage: v.stage ?? null,
      joint: !!v.joint,
      calendarCode: v.calendarCode,
      version: Number(v.version),
      promisedLimit: v.promisedLimit,
      publishedAt: formatInstant(v.publishedAt!),
    }));
  }

  /** The version new requests for the item start on; NotFound when none is published. */
  async latestPublished(itemCode: string): Promise<ItemVersionView> {
    const row = await this.dataSource.getRepository(ItemVersion).findOne({
      where: { itemCode, status: 'published' },
      order: { version: 'DESC' },
    });
    if (!row) throw notFound(`published item ${itemCode}`);
    return toItemVersionView(row);
  }

  /** The public view of the latest published version. */
  async publishedItem(itemCode: string): Promise<PublishedItemView> {
    return toPublishedItemView(await this.latestPublished(itemCode));
  }

  /** One version, draft or published (for administrators). */
  async version(itemCode: string, version: number): Promise<ItemVersionView> {
    const row = await this.dataSource.getRepository(ItemVersion).findOneBy({ itemCode, version });
    if (!row) throw notFound(`version ${version} of item ${itemCode}`);
    return toItemVersionView(row);
  }

  /** The version a request recorded when it started. */
  async versionById(id: string): Promise<ItemVersionView> {
    const row = VERSION_ID.test(id) ? await this.dataSource.getRepository(ItemVersion).findOneBy({ id }) : null;
    if (!row) throw notFound(`item version ${id}`);
    return toItemVersionView(row);
  }

  /**
   * Makes sure the item exists and locks it for this transaction; returns its latest version
   * number (0 for a new item). ON DUPLICATE KEY takes an exclusive lock on an existing row, so
   * concurrent writers of one item queue here instead of deadlocking on a shared-to-exclusive
   * upgrade, as INSERT IGNORE would.
   */
  private async lockItem(manager: EntityManager, itemCode: string, now: Date): Promise<number> {
    await manager.query(
      'INSERT INTO service_items (code, created_at) VALUES (?, ?) ON DUPLICATE KEY UPDATE code = code',
      [itemCode, now],
    );
    await manager.query('SELECT code FROM service_items WHERE code = ? FOR UPDATE', [itemCode]);
    const [row] = (await manager.query(
      'SELECT COALESCE(MAX(version), 0) AS latest FROM item_versions WHERE item_code = ?',
      [itemCode],
    )) as { latest: number | string }[];
    return Number(row.latest);
  }
}
