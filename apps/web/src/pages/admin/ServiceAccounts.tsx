import {
  Alert,
  App,
  Button,
  type ButtonProps,
  Form,
  Input,
  Modal,
  Popconfirm,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { api, errorText, type Schemas, unwrap } from '../../api/client';
import { Time } from '../../components/bits';
import { named, useNames } from '../../components/names';
import { useLoad } from '../../components/useLoad';
import { useT } from '../../i18n';
import { ListHeader } from './ListHeader';
import { OnceSecret } from './OnceSecret';

type ServiceAccount = Schemas['ServiceAccountDto'];
type Created = Schemas['CreatedServiceAccountDto'];

/** Solid and dark enough for white text to read (WCAG AA), as the licences' status tags. */
const ACTIVE = '#237804';

const NAME = /^[A-Za-z0-9._-]{3,64}$/;

/** Every service account, page by page (at most 5,000). */
async function allAccounts(): Promise<ServiceAccount[]> {
  const all: ServiceAccount[] = [];
  let cursor: string | undefined;
  do {
    const page = unwrap(await api.GET('/api/v1/service-accounts', { params: { query: { limit: 100, cursor } } }));
    all.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && all.length < 5000);
  return all;
}

/**
 * The departments' systems that call the api (对接系统): each a service account with an API key,
 * answered once when it is made, and revoked when the system is retired or its key leaks.
 */
export function AdminServiceAccounts() {
  const t = useT();
  const names = useNames();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ name: string; departmentCode: string }>();
  const accounts = useLoad(allAccounts, []);
  const [creating, setCreating] = useState(false);
  const [sending, setSending] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [created, setCreated] = useState<Created | null>(null);
  const [showing, setShowing] = useState(false);

  const create = async () => {
    const values = await form.validateFields();
    setFailure(null);
    setSending(true);
    try {
      const account = unwrap(
        await api.POST('/api/v1/service-accounts', {
          body: { name: values.name.trim(), departmentCode: values.departmentCode },
        }),
      );
      setCreating(false);
      setCreated(account);
      setShowing(true);
      accounts.reload();
    } catch (e) {
      setFailure(errorText(e));
    } finally {
      setSending(false);
    }
  };

  const revoke = async (account: ServiceAccount) => {
    try {
      unwrap(await api.POST('/api/v1/service-accounts/{id}/revoke', { params: { path: { id: account.id } } }));
      message.success(t('sa.revokedDone', { name: account.name }));
    } catch (e) {
      message.error(errorText(e));
    }
    accounts.reload();
  };

  return (
    <>
      <ListHeader
        title={t('admin.serviceAccounts')}
        intro={t('sa.intro')}
        newLabel={t('sa.new')}
        newTestId="service-account-new"
        onNew={() => {
          setFailure(null);
          setCreating(true);
        }}
      />
      {accounts.error}
      <Table<ServiceAccount>
        rowKey="id"
        size="small"
        data-testid="service-accounts"
        loading={accounts.loading}
        dataSource={accounts.data ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        // On a phone the table scrolls sideways; names and key ids stay on one line to be read and copied.
        scroll={{ x: 'max-content' }}
        onRow={(a) =>
          ({ 'data-testid': `service-account-${a.name}`, 'data-status': a.revokedAt ? 'revoked' : 'active' }) as object
        }
        columns={[
          {
            title: t('sa.name'),
            dataIndex: 'name',
            render: (name: string) => <Typography.Text strong>{name}</Typography.Text>,
          },
          { title: t('sa.department'), render: (_, a) => named(names.departments, a.departmentCode) },
          {
            title: t('sa.keyId'),
            render: (_, a) => (
              <Typography.Text code copyable style={{ whiteSpace: 'nowrap' }}>
                {a.keyId}
              </Typography.Text>
            ),
          },
          { title: t('common.createdAt'), render: (_, a) => <Time value={a.createdAt} /> },
          {
            title: t('sa.lastUsedAt'),
            render: (_, a) =>
              a.lastUsedAt ? (
                <Time value={a.lastUsedAt} />
              ) : (
                <Typography.Text type="secondary">{t('sa.neverUsed')}</Typography.Text>
              ),
          },
          {
            title: t('common.status'),
            filters: [
              { value: 'active', text: t('sa.active') },
              { value: 'revoked', text: t('sa.revoked') },
            ],
            onFilter: (value, a) => (a.revokedAt ? 'revoked' : 'active') === value,
            render: (_, a) =>
              a.revokedAt ? (
                <Space size={4} style={{ whiteSpace: 'nowrap' }}>
                  <Tag data-testid="service-account-status" data-status="revoked">
                    {t('sa.revoked')}
                  </Tag>
                  <Typography.Text type="secondary">
                    <Time value={a.revokedAt} />
                  </Typography.Text>
                </Space>
              ) : (
                <Tag color={ACTIVE} data-testid="service-account-status" data-status="active">
                  {t('sa.active')}
                </Tag>
              ),
          },
          {
            title: t('common.actions'),
            render: (_, a) =>
              a.revokedAt ? null : (
                <Popconfirm
                  title={t('sa.revoke')}
                  description={<div style={{ maxWidth: 320 }}>{t('sa.revokeConfirm', { name: a.name })}</div>}
                  okText={t('sa.revoke')}
                  cancelText={t('common.cancel')}
                  okButtonProps={{ danger: true, 'data-testid': 'confirm-revoke' } as ButtonProps}
                  onConfirm={() => revoke(a)}
                >
                  <Button size="small" data-testid={`service-account-revoke-${a.name}`}>
                    {t('sa.revoke')}
                  </Button>
                </Popconfirm>
              ),
          },
        ]}
      />
      <Modal
        open={creating}
        title={t('sa.new')}
        onCancel={() => setCreating(false)}
        onOk={() => void create()}
        okText={t('common.submit')}
        cancelText={t('common.cancel')}
        okButtonProps={{ loading: sending, 'data-testid': 'modal-submit' } as ButtonProps}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" data-testid="service-account-form" preserve={false}>
          <Form.Item
            name="name"
            label={t('sa.name')}
            extra={t('sa.nameHelp')}
            rules={[{ required: true, pattern: NAME, message: t('sa.nameRule') }]}
          >
            <Input autoComplete="off" data-testid="service-account-name" />
          </Form.Item>
          <Form.Item
            name="departmentCode"
            label={t('sa.department')}
            rules={[{ required: true, message: t('sa.departmentRule') }]}
          >
            <Select
              showSearch={{ optionFilterProp: 'label' }}
              data-testid="service-account-department"
              options={Object.entries(names.departments).map(([value, label]) => ({
                value,
                label: `${label}（${value}）`,
              }))}
            />
          </Form.Item>
        </Form>
        {failure ? <Alert type="error" showIcon title={failure} data-testid="action-error" /> : null}
      </Modal>
      <OnceSecret
        open={showing}
        title={t('sa.keyTitle', { name: created?.name ?? '' })}
        warning={t('sa.keyWarning')}
        secret={created?.apiKey ?? ''}
        testId="api-key"
        savedText={t('sa.saved')}
        onClose={() => setShowing(false)}
        afterClose={() => setCreated(null)}
      >
        <Typography.Paragraph type="secondary" style={{ marginTop: 16, marginBottom: 0 }}>
          {t('sa.keyUsage')}
        </Typography.Paragraph>
      </OnceSecret>
    </>
  );
}
