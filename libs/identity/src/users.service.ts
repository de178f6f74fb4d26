import { AuditWriter } from '#audit';
import {
  Clock,
  decodeCursor,
  DEFAULT_PAGE_LIMIT,
  DomainError,
  encodeCursor,
  insertOrConflict,
  notFound,
  type Page,
  validationFailed,
} from '#common';
import { Company, Department, Hall, type Role, User } from '#database';
import { OutboxWriter } from '#queue';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor } from './actor.js';
import { hashPassword, passwordPolicyProblem } from './password.js';

export interface NewUser {
  username: string;
  password: string;
  role: Role;
  companyUscc?: string;
  departmentCode?: string;
  hallCode?: string;
}

/** A user as the api shows it: what an actor carries (actor.ts), no more; a user is never a system. */
export type UserView = Omit<Actor, 'role'> & { role: Role };

export function toUserView(user: User): UserView {
  return {
    id: user.id,
    username: user.username,
    role: user.role,
    ...(user.companyUscc ? { companyUscc: user.companyUscc } : {}),
    ...(user.departmentCode ? { departmentCode: user.departmentCode } : {}),
    ...(user.hallCode ? { hallCode: user.hallCode } : {}),
  };
}

/** Which binding each role needs, and which it may not have. */
const BINDING_FIELDS = ['companyUscc', 'departmentCode', 'hallCode'] as const;
type BindingField = (typeof BINDING_FIELDS)[number];
const BINDINGS: Record<Role, { needs?: BindingField; allows: BindingField[] }> = {
  applicant: { needs: 'companyUscc', allows: ['companyUscc'] },
  clerk: { needs: 'hallCode', allows: ['hallCode'] },
  approver: { needs: 'departmentCode', allows: ['departmentCode'] },
  manager: { allows: ['hallCode', 'departmentCode'] },
  admin: { allows: [] },
};

/** The binding rules as messages; empty when the combination is valid. */
export function bindingProblems(input: Pick<NewUser, 'role' | BindingField>): string[] {
  const rule = BINDINGS[input.role];
  const problems: string[] = [];
  if (rule.needs && !input[rule.needs]) problems.push(`a user with role ${input.role} needs ${rule.needs}`);
  for (const field of BINDING_FIELDS) {
    if (input[field] && !rule.allows.includes(field))
      problems.push(`a user with role ${input.role} cannot have ${field}`);
  }
  return problems;
}

@Injectable()
export class UsersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
    private readonly audit: AuditWriter,
    private readonly clock: Clock,
  ) {}

  async create(actor: Actor | null, input: NewUser): Promise<UserView> {
    const problems = bindingProblems(input);
    const policy = passwordPolicyProblem(input.password);
    if (policy) problems.push(policy);
    if (problems.length > 0) throw validationFailed(problems);
    const passwordHash = await hashPassword(input.password);
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      await this.assertBindingsExist(manager, input);
      const taken = () => new DomainError('AlreadyExists', `username ${input.username} is taken`);
      if (await manager.existsBy(User, { username: input.username })) throw taken();
      const now = this.clock.now();
      const user = manager.create(User, {
        username: input.username,
        passwordHash,
        role: input.role,
        companyUscc: input.companyUscc ?? null,
        departmentCode: input.departmentCode ?? null,
        hallCode: input.hallCode ?? null,
        createdAt: now,
      });
      await insertOrConflict(manager.insert(User, user), taken);
      const view = toUserView(user);
      await this.audit.created(manager, 'user', user.id, actor, view);
      await this.outbox.add(manager, 'user.created', { userId: user.id });
      return view;
    });
  }

  /** Every user, the newest first (admin), a page at a time. */
  async list(limit = DEFAULT_PAGE_LIMIT, cursor?: string): Promise<Page<UserView>> {
    const after = decodeCursor(cursor);
    const query = this.dataSource
      .getRepository(User)
      .createQueryBuilder('u')
      .orderBy('u.id', 'DESC')
      .take(limit + 1);
    if (after !== undefined) query.where('u.id < :after', { after });
    const rows = await query.getMany();
    const items = rows.slice(0, limit).map(toUserView);
    return { items, nextCursor: rows.length > limit ? encodeCursor(items[items.length - 1].id) : null };
  }

  async findById(id: string): Promise<UserView> {
    const user = await this.dataSource.getRepository(User).findOneBy({ id });
    if (!user) throw notFound(`user ${id}`);
    return toUserView(user);
  }

  private async assertBindingsExist(manager: EntityManager, input: NewUser): Promise<void> {
    const missing: string[] = [];
    if (input.companyUscc && !(await manager.existsBy(Company, { uscc: input.companyUscc }))) {
      missing.push(`company ${input.companyUscc} does not exist`);
    }
    if (input.departmentCode && !(await manager.existsBy(Department, { code: input.departmentCode }))) {
      missing.push(`department ${input.departmentCode} does not exist`);
    }
    if (input.hallCode && !(await manager.existsBy(Hall, { code: input.hallCode }))) {
      missing.push(`hall ${input.hallCode} does not exist`);
    }
    if (missing.length > 0) throw validationFailed(missing);
  }
}
