import type { Role } from '#database';

/** Who is acting: taken from a verified token, passed to every domain call that scopes or audits. */
export interface Actor {
  id: string;
  username: string;
  role: Role;
  companyUscc?: string;
  departmentCode?: string;
  hallCode?: string;
}
