import { List, Typography } from 'antd';
import { api, unwrap } from '../api/client';
import { PageHeader, Time } from '../components/bits';
import { useLoad } from '../components/useLoad';
import { useLang, useT } from '../i18n';

export function Inbox() {
  const t = useT();
  const [lang] = useLang();
  // The api words each notification in the reader's language (Accept-Language): read again on a switch.
  const { data, loading, error } = useLoad(
    async () => unwrap(await api.GET('/api/v1/notifications', { params: { query: { limit: 100 } } })),
    [lang],
  );
  return (
    <>
      <PageHeader title={t('applicant.inbox')} />
      {error}
      <List
        loading={loading}
        bordered
        data-testid="inbox"
        dataSource={data?.items ?? []}
        renderItem={(n) => (
          <List.Item data-testid="inbox-item">
            <List.Item.Meta
              title={<Typography.Text>{n.message}</Typography.Text>}
              description={<Time value={n.createdAt} />}
            />
          </List.Item>
        )}
      />
    </>
  );
}
