import { Clock, decodeCursor, formatInstant, DEFAULT_PAGE_LIMIT, encodeCursor, type Page } from '#common';
import { Notification, User } from '#database';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface NotificationView {
  id: string;
  kind: string;
  message: string;
  createdAt: string;
}

@Injectable()
export class NotificationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /** Handles `user.created`: a welcome in the new user's inbox. Replays of the same event add nothing. */
  async welcomeUser(eventId: string, userId: string): Promise<void> {
    const user = await this.dataSource.getRepository(User).findOneBy({ id: userId });
    if (!user) return;
    await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(Notification)
      .orIgnore()
      .values({
        userId,
        eventId,
        kind: 'user.created',
        message: `Welcome, ${user.username}: your ${user.role} account is ready.`,
        createdAt: this.clock.now(),
      })
      .execute();
  }

  /** The user's own inbox, newest first. */
  async list(userId: string, limit = DEFAULT_PAGE_LIMIT, cursor?: string): Promise<Page<NotificationView>> {
    const before = decodeCursor(cursor);
    const query = this.dataSource
      .getRepository(Notification)
      .createQueryBuilder('n')
      .where('n.user_id = :userId', { userId })
      .orderBy('n.id', 'DESC')
      .limit(limit + 1);
    if (before) query.andWhere('n.id < :before', { before });
    const rows = await query.getMany();
    const items = rows.slice(0, limit).map((n) => ({
      id: n.id,
      kind: n.kind,
      message: n.message,
      createdAt: formatInstant(n.createdAt),
    }));
    return { items, nextCursor: rows.length > limit ? encodeCursor(items[items.length - 1].id) : null };
  }
}
