import { Card, Table, Tabs } from 'antd';
import { Link } from 'react-router-dom';
import { api, type Schemas, unwrap } from '../../api/client';
import { PageHeader, SlaLight, Time } from '../../components/bits';
import { workingDuration } from '../../components/format';
import { named, useNames } from '../../components/names';
import { useLoad } from '../../components/useLoad';
import { useLang, useT } from '../../i18n';
import { LiveMark, useLiveReload } from '../../live';
import { RequestTable } from '../RequestList';

type Summary = Schemas['RequestSummaryDto'];

/** The hall's intake queue: submitted requests, the oldest intake clock (the one due first) first. */
export function IntakeQueue() {
  const t = useT();
  const [lang] = useLang();
  const names = useNames();
  const { data, loading, error, reload } = useLoad(async () => {
    const all: Summary[] = [];
    let cursor: string | undefined;
    do {
      const page = unwrap(
        await api.GET('/api/v1/requests', { params: { query: { status: 'submitted', limit: 100, cursor } } }),
      );
      all.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor && all.length < 1000);
    return all.sort((a, b) => (a.sla?.dueAt ?? a.submittedAt).localeCompare(b.sla?.dueAt ?? b.submittedAt));
  }, []);
  const live = useLiveReload(reload);
  return (
    <>
      <PageHeader title={t('clerk.queue')} extra={<LiveMark state={live} />} />
      {error}
      <Tabs
        items={[
          {
            key: 'intake',
            label: `${t('status.request.submitted')}${t('p.open')}${data?.length ?? 0}${t('p.close')}`,
            children: (
              <Card>
                <Table<Summary>
                  rowKey="id"
                  loading={loading}
                  data-testid="intake-queue"
                  dataSource={data ?? []}
                  pagination={{ pageSize: 20 }}
                  scroll={{ x: 800 }}
                  onRow={(r) => ({ 'data-testid': `request-row-${r.number}` }) as React.HTMLAttributes<HTMLElement>}
                  locale={{ emptyText: t('request.empty') }}
                  columns={[
                    {
                      title: t('request.number'),
                      dataIndex: 'number',
                      render: (n: string, r) => <Link to={`/requests/${r.id}`}>{n}</Link>,
                    },
                    { title: t('request.item'), dataIndex: 'itemCode', render: (c: string) => named(names.items, c) },
                    { title: t('request.company'), dataIndex: 'companyUscc' },
                    {
                      title: t('request.submittedAt'),
                      dataIndex: 'submittedAt',
                      render: (v: string) => <Time value={v} />,
                    },
                    {
                      title: t('request.sla.intake'),
                      key: 'sla',
                      render: (_: unknown, r) => <SlaLight sla={r.sla} compact />,
                    },
                    {
                      title: t('clerk.timeLeft'),
                      key: 'left',
                      render: (_: unknown, r) => (r.sla ? workingDuration(r.sla.remainingWorkingMinutes, lang) : '—'),
                    },
                  ]}
                />
              </Card>
            ),
          },
          {
            key: 'supplement',
            label: t('clerk.supplementWaiting'),
            children: <RequestTable status="supplement_required" testId="supplement-waiting" />,
          },
          {
            key: 'progress',
            label: t('clerk.inProgress'),
            children: <RequestTable status="in_progress" testId="in-progress" />,
          },
        ]}
      />
    </>
  );
}
