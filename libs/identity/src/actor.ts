import type { ActorRole } from '#database';

/** Who is acting: taken from a verified token or API key, passed to every domain call that scopes or audits. */
export interface Actor {
  id: string;
  username: string;
  role: ActorRole;
  companyUscc?: string;
  departmentCode?: string;
  hallCode?: string;
}
