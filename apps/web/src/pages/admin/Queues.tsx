import { DashboardOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Space, Typography } from 'antd';
import { useState } from 'react';
import { api, errorText, unwrap } from '../../api/client';
import { PageHeader, Time } from '../../components/bits';
import { useT } from '../../i18n';

/**
 * 队列监控: the admins' way to the queues' page (bull-board, served by the api at /admin/queues). A
 * new tab carries no bearer token, so the console first asks for a 15-minute pass, which the api
 * sets as a cookie for that page only, then opens it.
 */
export function AdminQueues() {
  const t = useT();
  const { message } = App.useApp();
  const [expiresAt, setExpiresAt] = useState<string | null>(null);
  const [opening, setOpening] = useState(false);

  const open = async () => {
    // Opened at once (a popup blocker lets a tab opened in the click through), pointed once the pass is set.
    const tab = window.open('about:blank', '_blank');
    setOpening(true);
    try {
      const pass = unwrap(await api.POST('/api/v1/auth/queues-pass'));
      setExpiresAt(pass.expiresAt);
      if (tab) tab.location.href = `${pass.path}/`;
      else window.location.assign(`${pass.path}/`);
    } catch (error) {
      tab?.close();
      void message.error(errorText(error));
    } finally {
      setOpening(false);
    }
  };

  return (
    <>
      <PageHeader title={t('admin.queues')} />
      <Card>
        <Space direction="vertical" size="middle">
          <Typography.Paragraph>{t('queues.about')}</Typography.Paragraph>
          <Button
            type="primary"
            icon={<DashboardOutlined />}
            loading={opening}
            onClick={() => void open()}
            data-testid="open-queues"
          >
            {t('queues.open')}
          </Button>
          {expiresAt && (
            <Alert
              type="info"
              showIcon
              data-testid="queues-pass"
              message={
                <>
                  {t('queues.passUntil')} <Time value={expiresAt} />
                </>
              }
            />
          )}
        </Space>
      </Card>
    </>
  );
}
