import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const ROLES = ['applicant', 'clerk', 'approver', 'manager', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Who may act: a user's role, or `system`, a department's own system calling with a service
 * account's API key (service-account.entity.ts). No user has the role `system`.
 */
export const ACTOR_ROLES = [...ROLES, 'system'] as const;
export type ActorRole = (typeof ACTOR_ROLES)[number];

@Entity('users')
export class User {
  @PrimaryGeneratedColumn({ type: 'bigint', unsigned: true })
  id: string;

  @Index('uq_users_username', { unique: true })
  @Column({ type: 'varchar', length: 64 })
  username: string;

  @Column({ name: 'password_hash', type: 'varchar', length: 255 })
  passwordHash: string;

  @Column({ type: 'varchar', length: 16 })
  role: Role;

  @Column({ name: 'company_uscc', type: 'char', length: 18, nullable: true })
  companyUscc: string | null;

  @Column({ name: 'department_code', type: 'varchar', length: 32, nullable: true })
  departmentCode: string | null;

  @Column({ name: 'hall_code', type: 'varchar', length: 32, nullable: true })
  hallCode: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;
}
