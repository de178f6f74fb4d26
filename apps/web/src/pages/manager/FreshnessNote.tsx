import { Typography } from 'antd';
import { Time } from '../../components/bits';
import { useT } from '../../i18n';
import type { Freshness } from './reports';

/**
 * Up to when the figures are whole: a report read from a read replica may miss the last seconds'
 * changes (README, Read replicas), and a manager comparing it with a request page should know.
 */
export function FreshnessNote({ value }: { value: Freshness }) {
  const t = useT();
  const where =
    value.source === 'replica'
      ? t('report.freshness.replica', { lag: value.lagSeconds.toFixed(1) })
      : value.source === 'primary-fallback'
        ? t('report.freshness.fallback')
        : t('report.freshness.primary');
  return (
    <Typography.Paragraph type="secondary" data-testid="report-freshness" data-source={value.source}>
      {t('report.freshness.asOf')} <Time value={value.asOf} /> · {where}
    </Typography.Paragraph>
  );
}
