import { formatInstant } from '#common';
import type { Licence } from '#database';

/** A licence's standing, read from its dates at the moment it is asked: no job makes one expire. */
export type LicenceStatus = 'valid' | 'revoked' | 'expired';

export function licenceStatus(licence: Pick<Licence, 'revokedAt' | 'validUntil'>, at: Date): LicenceStatus {
  if (licence.revokedAt) return 'revoked';
  if (licence.validUntil && licence.validUntil.getTime() <= at.getTime()) return 'expired';
  return 'valid';
}

/** 电子证照 as its holder, the hall and the departments see it. */
export interface LicenceView {
  id: string;
  number: string;
  kind: string;
  name: string;
  holderUscc: string;
  holderName: string;
  departmentCode: string;
  matterCode: string;
  requestId: string;
  stepKey: string;
  issuedAt: string;
  validUntil: string | null;
  status: LicenceStatus;
  verificationCode: string;
  revokedAt: string | null;
  revokeReason: string | null;
}

export const toLicenceView = (row: Licence, at: Date): LicenceView => ({
  id: String(row.id),
  number: row.number,
  kind: row.kind,
  name: row.name,
  holderUscc: row.holderUscc,
  holderName: row.holderName,
  departmentCode: row.departmentCode,
  matterCode: row.matterCode,
  requestId: String(row.requestId),
  stepKey: row.stepKey,
  issuedAt: formatInstant(row.issuedAt),
  validUntil: row.validUntil ? formatInstant(row.validUntil) : null,
  status: licenceStatus(row, at),
  verificationCode: row.verificationCode,
  revokedAt: row.revokedAt ? formatInstant(row.revokedAt) : null,
  revokeReason: row.revokeReason,
});

/** What anyone holding a printed licence learns from its verification code: whether it is valid, and no more. */
export interface LicenceCheck {
  valid: boolean;
  status: LicenceStatus;
  kind: string;
  name: string;
  holderName: string;
  issuedAt: string;
  validUntil: string | null;
  revokedAt: string | null;
}

export const toLicenceCheck = (row: Licence, at: Date): LicenceCheck => {
  const status = licenceStatus(row, at);
  return {
    valid: status === 'valid',
    status,
    kind: row.kind,
    name: row.name,
    holderName: row.holderName,
    issuedAt: formatInstant(row.issuedAt),
    validUntil: row.validUntil ? formatInstant(row.validUntil) : null,
    revokedAt: row.revokedAt ? formatInstant(row.revokedAt) : null,
  };
};

/** The licence a material was covered by (免提交), as the request keeps it. */
export const standInOf = (row: Licence) => ({
  id: String(row.id),
  number: row.number,
  name: row.name,
  verificationCode: row.verificationCode,
});
