import { Card, Table, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { api, unwrap } from '../../api/client';
import { PageHeader, Time } from '../../components/bits';
import { workingDuration } from '../../components/format';
import { named, useNames } from '../../components/names';
import { useLoad } from '../../components/useLoad';
import { useLang, useT } from '../../i18n';
import { Downloads } from './Dashboard';
import type { Overdue as OverdueReport, OverdueItem } from './reports';

const CLOCKS: Record<string, [string, string]> = {
  intake: ['受理计时', 'intake'],
  request: ['办件计时', 'request'],
  step: ['环节计时', 'step'],
  'follow-up': ['整改计时', 'follow-up'],
};

/** Every clock past due now, oldest first, with who holds it. */
export function Overdue() {
  const t = useT();
  const [lang] = useLang();
  const names = useNames();
  const zh = lang === 'zh-CN';
  const { data, loading, error } = useLoad(
    async () =>
      unwrap(
        await api.GET('/api/v1/reports/overdue', { params: { query: { limit: 500 } } }),
      ) as unknown as OverdueReport,
    [],
  );
  return (
    <>
      <PageHeader title={t('manager.overdue')} extra={<Downloads report="overdue" query={{}} />} />
      {error}
      <Card>
        <Typography.Paragraph data-testid="overdue-total">
          {zh ? '超期计时共' : 'Overdue clocks:'} {data?.total ?? 0}
        </Typography.Paragraph>
        <Table<OverdueItem>
          rowKey={(r) => `${r.requestId}-${r.clock}-${r.stepKey ?? ''}`}
          loading={loading}
          data-testid="overdue-list"
          dataSource={data?.items ?? []}
          scroll={{ x: 900 }}
          columns={[
            {
              title: t('request.number'),
              dataIndex: 'number',
              render: (n: string, r) => <Link to={`/requests/${r.requestId}`}>{n}</Link>,
            },
            { title: t('request.item'), dataIndex: 'itemCode', render: (c: string) => named(names.items, c) },
            {
              title: zh ? '计时类型' : 'Clock',
              dataIndex: 'clock',
              render: (c: string) => `${CLOCKS[c]?.[zh ? 0 : 1] ?? c}`,
            },
            { title: t('request.step'), dataIndex: 'stepKey', render: (s: string | null) => s ?? '—' },
            {
              title: zh ? '责任方' : 'Held by',
              dataIndex: 'holder',
              render: (h: OverdueItem['holder']) =>
                h.kind === 'department'
                  ? named(names.departments, h.code)
                  : `${zh ? '大厅' : 'Hall'} ${named(names.halls, h.code)}`,
            },
            { title: t('common.dueAt'), dataIndex: 'dueAt', render: (v: string) => <Time value={v} /> },
            {
              title: zh ? '超期' : 'Overdue by',
              dataIndex: 'overdueWorkingMinutes',
              render: (m: number) => workingDuration(m, lang),
            },
          ]}
        />
      </Card>
    </>
  );
}
