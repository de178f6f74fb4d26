import { Table } from 'antd';
import { Link } from 'react-router-dom';
import { api, type Schemas, unwrap } from '../../api/client';
import { PageHeader, SlaLight, StatusTag, Time } from '../../components/bits';
import { named, useNames } from '../../components/names';
import { useLoad } from '../../components/useLoad';
import { useT } from '../../i18n';

type FollowUp = Schemas['FollowUpItemDto'];

/** 整改: follow-ups of poor ratings, the one due first on top; each is handled on its request's page. */
export function FollowUps() {
  const t = useT();
  const names = useNames();
  const { data, loading, error } = useLoad(
    async () => unwrap(await api.GET('/api/v1/follow-ups', { params: { query: { limit: 100 } } })).items,
    [],
  );
  return (
    <>
      <PageHeader title={t('manager.followUps')} />
      {error}
      <Table<FollowUp>
        rowKey="id"
        loading={loading}
        data-testid="follow-ups"
        dataSource={data ?? []}
        scroll={{ x: 900 }}
        onRow={(r) => ({ 'data-testid': `follow-up-${r.requestNumber}` }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          {
            title: t('request.number'),
            dataIndex: 'requestNumber',
            render: (n: string, r) => <Link to={`/requests/${r.requestId}`}>{n}</Link>,
          },
          { title: t('request.item'), dataIndex: 'itemCode', render: (c: string) => named(names.items, c) },
          { title: t('request.score'), dataIndex: 'score' },
          {
            title: t('request.status'),
            dataIndex: 'status',
            render: (s: string) => <StatusTag status={s} kind="followUp" />,
          },
          { title: t('request.sla'), key: 'sla', render: (_: unknown, r) => <SlaLight sla={r.sla as never} compact /> },
          { title: t('request.hall'), dataIndex: 'hallCode', render: (h: string | null) => named(names.halls, h) },
          { title: t('request.submittedAt'), dataIndex: 'openedAt', render: (v: string) => <Time value={v} /> },
        ]}
      />
    </>
  );
}
