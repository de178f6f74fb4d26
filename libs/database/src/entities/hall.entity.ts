import { Column, Entity, PrimaryColumn } from 'typeorm';

export const HALL_LEVELS = ['centre', 'branch', 'point'] as const;
export type HallLevel = (typeof HALL_LEVELS)[number];

/** The days of a hall's week, as its opening hours name them. */
export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/**
 * A hall's weekly opening hours: per day, its ranges written HH:MM-HH:MM, in order ('09:00-12:00',
 * '13:00-17:00'); a day left out is closed. Read against the zone calendar: closed on a holiday,
 * open on an adjusted workday (调休) at that weekday's hours, or its first open weekday's when it has none.
 */
export type OpeningHours = Partial<Record<Weekday, string[]>>;

/** mysql2 hands a DECIMAL back as text; a hall's coordinates are numbers. */
const decimalNumber = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};

/** 政务服务大厅 / 站点: where requests are received (the 1+5+N network). */
@Entity('halls')
export class Hall {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  code: string;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Column({ type: 'varchar', length: 16 })
  level: HallLevel;

  @Column({ name: 'parent_code', type: 'varchar', length: 32, nullable: true })
  parentCode: string | null;

  /** 地址: where the hall is, as a visitor finds it. */
  @Column({ type: 'varchar', length: 200, nullable: true })
  address: string | null;

  /** WGS-84; with longitude, or both null. The spatial index is hall_locations. */
  @Column({ type: 'decimal', precision: 9, scale: 6, nullable: true, transformer: decimalNumber })
  latitude: number | null;

  @Column({ type: 'decimal', precision: 9, scale: 6, nullable: true, transformer: decimalNumber })
  longitude: number | null;

  /** null: the zone's hours (09:00-12:00, 13:00-17:00 on working days). */
  @Column({ name: 'opening_hours', type: 'json', nullable: true })
  openingHours: OpeningHours | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;
}
