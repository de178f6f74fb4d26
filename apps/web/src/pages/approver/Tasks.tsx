import { Select, Space, Table } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api, type Schemas, unwrap } from '../../api/client';
import { PageHeader, SlaLight, StatusTag, Time } from '../../components/bits';
import { named, useNames } from '../../components/names';
import { useLoad } from '../../components/useLoad';
import { dynamicKey, useT } from '../../i18n';
import { LiveMark, useLiveReload } from '../../live';

type Task = Schemas['TaskDto'];
const STATES = ['running', 'warning', 'overdue', 'paused'];

/** The department's active steps, the one due first on top, with the lights and a clock-state filter. */
export function Tasks() {
  const t = useT();
  const names = useNames();
  const [state, setState] = useState<string | undefined>();
  const { data, loading, error, reload } = useLoad(async () => {
    const all: Task[] = [];
    let cursor: string | undefined;
    do {
      const page = unwrap(await api.GET('/api/v1/tasks', { params: { query: { limit: 100, cursor } } }));
      all.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor && all.length < 1000);
    return all;
  }, []);
  const live = useLiveReload(reload);
  // The api lists the longest waiting first; the approver works the one due first, so sort by the clock's due time
  // (a step whose clock has not run yet goes last).
  const due = (task: Task) => (task.sla ? Date.parse(task.sla.dueAt) : Number.POSITIVE_INFINITY);
  const shown = (data ?? []).filter((task) => !state || task.sla?.state === state).sort((a, b) => due(a) - due(b));
  return (
    <>
      <PageHeader
        title={t('approver.tasks')}
        extra={
          <Space>
            <LiveMark state={live} />
            <Select
              allowClear
              placeholder={t('approver.filter')}
              aria-label={t('approver.filter')}
              style={{ width: 160 }}
              value={state}
              onChange={setState}
              data-testid="sla-filter"
              options={STATES.map((s) => ({ value: s, label: t(dynamicKey(`sla.${s}`)) }))}
            />
          </Space>
        }
      />
      {error}
      <Table<Task>
        rowKey={(r) => `${r.requestId}-${r.stepKey}`}
        loading={loading}
        data-testid="tasks"
        dataSource={shown}
        pagination={{ pageSize: 20 }}
        scroll={{ x: 900 }}
        onRow={(r) => ({ 'data-testid': `task-${r.requestNumber}-${r.stepKey}` }) as React.HTMLAttributes<HTMLElement>}
        locale={{ emptyText: t('request.empty') }}
        columns={[
          {
            title: t('request.number'),
            dataIndex: 'requestNumber',
            render: (n: string, r) => <Link to={`/requests/${r.requestId}`}>{n}</Link>,
          },
          { title: t('request.item'), dataIndex: 'itemCode', render: (c: string) => named(names.items, c) },
          { title: t('request.matter'), dataIndex: 'matterName' },
          { title: t('request.company'), dataIndex: 'companyUscc' },
          {
            title: t('request.status'),
            dataIndex: 'status',
            render: (s: string) => <StatusTag status={s} kind="step" />,
          },
          { title: t('request.sla'), key: 'sla', render: (_: unknown, r) => <SlaLight sla={r.sla} compact /> },
          { title: t('request.acceptedAt'), dataIndex: 'activatedAt', render: (v: string) => <Time value={v} /> },
        ]}
      />
    </>
  );
}
