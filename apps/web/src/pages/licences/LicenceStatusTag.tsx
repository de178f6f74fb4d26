import { Tag } from 'antd';
import { dynamicKey, useT } from '../../i18n';

/** Solid and dark enough for white text to read (WCAG AA contrast), unlike the pale preset tags. */
const COLORS: Record<string, string> = { valid: '#237804', revoked: '#a8071a', expired: 'default' };

/** 有效 / 已撤销 / 已过期: a licence's standing, read from its dates when it was asked. */
export function LicenceStatusTag({ status }: { status: string }) {
  const t = useT();
  return (
    <Tag color={COLORS[status] ?? 'default'} data-testid="licence-status" data-status={status}>
      {t(dynamicKey(`licence.status.${status}`))}
    </Tag>
  );
}
