import { AuditWriter } from '#audit';
import { DomainError } from '#common';
import { ROLES, type Role, User } from '#database';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Actor } from './actor.js';
import { LoginLimits } from './login-limits.js';
import { decoyHash, verifyPassword } from './password.js';
import { toUserView, type UserView } from './users.service.js';

interface TokenClaims {
  sub: string;
  username: string;
  role: Role;
  companyUscc?: string;
  departmentCode?: string;
  hallCode?: string;
}

@Injectable()
export class AuthService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jwt: JwtService,
    private readonly audit: AuditWriter,
    private readonly limits: LoginLimits,
  ) {}

  /**
   * Unknown user and wrong password get the same answer after the same work, and count alike
   * towards the username's lockout (login-limits.ts). Every outcome is in the audit trail: the
   * login, the failure (with whether it locked the username), and an attempt while locked.
   */
  async login(username: string, password: string, address = ''): Promise<{ accessToken: string; user: UserView }> {
    await this.limits.admit(username, address);
    const user = await this.dataSource.getRepository(User).findOneBy({ username });
    const subject = { subjectType: 'user', subjectId: user?.id ?? `unknown:${[...username].slice(0, 50).join('')}` };
    const actor = user ? { id: user.id, role: user.role, username: user.username } : null;
    try {
      await this.limits.assertNotLocked(username);
    } catch (error) {
      await this.audit.append(this.dataSource.manager, {
        ...subject,
        action: 'auth.login-locked',
        actor,
        payload: { address },
      });
      throw error;
    }
    const ok = (await verifyPassword(user?.passwordHash ?? (await decoyHash()), password)) && user !== null;
    if (!ok) {
      const lockedUntil = await this.limits.recordFailure(username);
      await this.audit.append(this.dataSource.manager, {
        ...subject,
        action: 'auth.login-failed',
        actor,
        payload: lockedUntil ? { address, lockedUntil: lockedUntil.toISOString() } : { address },
      });
      throw new DomainError('InvalidCredentials', 'invalid username or password');
    }
    await this.limits.recordSuccess(username);
    await this.audit.append(this.dataSource.manager, { ...subject, action: 'auth.login', actor, payload: { address } });
    const view = toUserView(user);
    const claims: TokenClaims = { sub: view.id, ...view };
    delete (claims as Partial<UserView>).id;
    return { accessToken: await this.jwt.signAsync(claims), user: view };
  }

  /** The actor a bearer token names, or null when the token is missing, forged or expired. */
  async verify(token: string): Promise<Actor | null> {
    try {
      const claims = await this.jwt.verifyAsync<TokenClaims>(token);
      if (typeof claims.sub !== 'string' || !ROLES.includes(claims.role)) return null;
      return {
        id: claims.sub,
        username: claims.username,
        role: claims.role,
        companyUscc: claims.companyUscc,
        departmentCode: claims.departmentCode,
        hallCode: claims.hallCode,
      };
    } catch {
      return null;
    }
  }
}
