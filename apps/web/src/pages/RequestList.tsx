import { Button, Select, Space, Table } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api, type Schemas, unwrap } from '../api/client';
import { useSession } from '../auth';
import { PageHeader, SlaLight, StatusTag, Time } from '../components/bits';
import { named, useNames } from '../components/names';
import { useLoad } from '../components/useLoad';
import { dynamicKey, useT } from '../i18n';
import { LiveMark, useLiveReload } from '../live';

type Summary = Schemas['RequestSummaryDto'];
const STATUSES = [
  'submitted',
  'supplement_required',
  'in_progress',
  'completed',
  'denied',
  'refused',
  'withdrawn',
] as const;

/** A list of requests the caller may see, newest first, with paging by cursor. */
export function RequestTable({
  status,
  title,
  testId,
}: {
  status?: (typeof STATUSES)[number];
  title?: string;
  testId?: string;
}) {
  const t = useT();
  const names = useNames();
  const [filter, setFilter] = useState<(typeof STATUSES)[number] | undefined>(status);
  const [pages, setPages] = useState<Summary[][]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const { loading, error, reload } = useLoad(async () => {
    const page = unwrap(await api.GET('/api/v1/requests', { params: { query: { limit: 50, status: filter } } }));
    setPages([page.items]);
    setCursor(page.nextCursor);
    return page;
  }, [filter]);
  // A change to a request the caller may see: the first page again (statuses and order may have moved).
  const live = useLiveReload(reload);
  const more = async () => {
    if (!cursor) return;
    const page = unwrap(
      await api.GET('/api/v1/requests', { params: { query: { limit: 50, status: filter, cursor } } }),
    );
    setPages((p) => [...p, page.items]);
    setCursor(page.nextCursor);
  };
  return (
    <>
      {title ? (
        <PageHeader
          title={title}
          extra={
            <Space>
              <LiveMark state={live} />
              {status ? null : (
                <Select
                  allowClear
                  placeholder={t('request.status')}
                  aria-label={t('request.status')}
                  style={{ width: 160 }}
                  value={filter}
                  onChange={setFilter}
                  options={STATUSES.map((s) => ({ value: s, label: t(dynamicKey(`status.request.${s}`)) }))}
                />
              )}
            </Space>
          }
        />
      ) : null}
      {error}
      <Table<Summary>
        rowKey="id"
        size="middle"
        loading={loading}
        data-testid={testId ?? 'request-list'}
        dataSource={pages.flat()}
        pagination={false}
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
          { title: t('request.status'), dataIndex: 'status', render: (s: string) => <StatusTag status={s} /> },
          { title: t('request.sla'), dataIndex: 'sla', render: (_: unknown, r) => <SlaLight sla={r.sla} compact /> },
          { title: t('request.submittedAt'), dataIndex: 'submittedAt', render: (v: string) => <Time value={v} /> },
        ]}
      />
      {cursor ? (
        <Space style={{ marginTop: 12 }}>
          <Button onClick={() => void more()}>{t('common.more')}</Button>
        </Space>
      ) : null}
    </>
  );
}

export function RequestList() {
  const t = useT();
  const { user } = useSession();
  return <RequestTable title={user?.role === 'applicant' ? t('applicant.myRequests') : t('manager.requests')} />;
}
