import { AuditWriter } from '#audit';
import { DomainError } from '#common';
import { ROLES, type Role, User } from '#database';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Actor } from './actor.js';
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
  ) {}

  /** Unknown user and wrong password get the same answer after the same work. */
  async login(username: string, password: string): Promise<{ accessToken: string; user: UserView }> {
    const user = await this.dataSource.getRepository(User).findOneBy({ username });
    const ok = await verifyPassword(user?.passwordHash ?? (await decoyHash()), password);
    await this.audit.append(this.dataSource.manager, {
      subjectType: 'user',
      subjectId: user?.id ?? `unknown:${[...username].slice(0, 50).join('')}`,
      action: ok && user ? 'auth.login' : 'auth.login-failed',
      actor: user ? { id: user.id, role: user.role } : null,
    });
    if (!user || !ok) throw new DomainError('InvalidCredentials', 'invalid username or password');
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
