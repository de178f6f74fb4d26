import { Alert, App, Button, Card, Col, Form, Input, Row, Select, Table, Tag } from 'antd';
import { useState } from 'react';
import { api, errorText, type Schemas, unwrap } from '../../api/client';
import type { Role } from '../../auth';
import { PageHeader } from '../../components/bits';
import { named, useNames } from '../../components/names';
import { useLoad } from '../../components/useLoad';
import { useLang, useT } from '../../i18n';
import type { MessageKey } from '../../locales/zh-CN';

const ROLES: Role[] = ['applicant', 'clerk', 'approver', 'manager', 'admin'];

type User = Schemas['UserDto'];

/** Every user with their role and what the role binds them to (a company, a hall, a department). */
async function allUsers(): Promise<User[]> {
  const all: User[] = [];
  let cursor: string | undefined;
  do {
    const page = unwrap(await api.GET('/api/v1/users', { params: { query: { limit: 100, cursor } } }));
    all.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && all.length < 5000);
  return all;
}

/** The users and their roles, and a new user with one role, bound as the role asks. */
export function AdminUsers() {
  const t = useT();
  const [lang] = useLang();
  const zh = lang === 'zh-CN';
  const names = useNames();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const role = Form.useWatch('role', form) as Role | undefined;
  const [failure, setFailure] = useState<string | null>(null);
  const users = useLoad(allUsers, []);
  const [search, setSearch] = useState('');
  const shown = (users.data ?? []).filter((user) => user.username.includes(search.trim().toLowerCase()));

  const submit = async (values: Record<string, string>) => {
    setFailure(null);
    try {
      const user = unwrap(
        await api.POST('/api/v1/users', {
          body: {
            username: values.username.trim(),
            password: values.password,
            role: values.role as Role,
            ...(values.companyUscc ? { companyUscc: values.companyUscc.trim() } : {}),
            ...(values.hallCode ? { hallCode: values.hallCode } : {}),
            ...(values.departmentCode ? { departmentCode: values.departmentCode } : {}),
          },
        }),
      );
      message.success(
        `${t('common.done')}${t('p.colon')}${user.username}${t('p.open')}${t(`role.${user.role}` as MessageKey)}${t('p.close')}`,
      );
      form.resetFields();
      users.reload();
    } catch (e) {
      setFailure(errorText(e));
    }
  };

  return (
    <>
      <PageHeader title={t('admin.users')} />
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={15}>
          {users.error}
          <Input.Search
            allowClear
            placeholder={t('common.username')}
            aria-label={t('common.username')}
            onChange={(e) => setSearch(e.target.value)}
            style={{ maxWidth: 280, marginBottom: 12 }}
            data-testid="users-search"
          />
          <Table<User>
            rowKey="id"
            size="small"
            data-testid="users"
            loading={users.loading}
            dataSource={shown}
            onRow={(user) => ({ 'data-testid': `user-${user.username}` }) as React.HTMLAttributes<HTMLElement>}
            pagination={{ pageSize: 20 }}
            scroll={{ x: 560 }}
            columns={[
              { title: t('common.username'), dataIndex: 'username' },
              {
                title: zh ? '角色' : 'Role',
                dataIndex: 'role',
                filters: ROLES.map((r) => ({ value: r, text: t(`role.${r}` as MessageKey) })),
                onFilter: (value, user) => user.role === value,
                render: (r: Role) => <Tag>{t(`role.${r}` as MessageKey)}</Tag>,
              },
              {
                title: zh ? '所属' : 'Bound to',
                key: 'binding',
                render: (_: unknown, user) =>
                  user.companyUscc ??
                  (user.departmentCode ? named(names.departments, user.departmentCode) : null) ??
                  (user.hallCode ? named(names.halls, user.hallCode) : null) ??
                  (zh ? '全区' : 'zone-wide'),
              },
            ]}
          />
        </Col>
        <Col xs={24} xl={9}>
          <Card title={zh ? '新建用户' : 'New user'}>
            <Form form={form} layout="vertical" onFinish={(v) => void submit(v)}>
              <Form.Item name="username" label={t('common.username')} rules={[{ required: true, whitespace: true }]}>
                <Input autoComplete="off" />
              </Form.Item>
              <Form.Item name="password" label={t('common.password')} rules={[{ required: true, min: 8 }]}>
                <Input.Password autoComplete="new-password" />
              </Form.Item>
              <Form.Item name="role" label={zh ? '角色' : 'Role'} rules={[{ required: true }]}>
                <Select options={ROLES.map((r) => ({ value: r, label: t(`role.${r}` as MessageKey) }))} />
              </Form.Item>
              {role === 'applicant' ? (
                <Form.Item name="companyUscc" label={t('clerk.uscc')} rules={[{ required: true }]}>
                  <Input />
                </Form.Item>
              ) : null}
              {role === 'clerk' || role === 'manager' ? (
                <Form.Item name="hallCode" label={t('request.hall')} rules={[{ required: role === 'clerk' }]}>
                  <Select
                    allowClear
                    options={Object.entries(names.halls).map(([value, label]) => ({ value, label }))}
                  />
                </Form.Item>
              ) : null}
              {role === 'approver' ? (
                <Form.Item name="departmentCode" label={t('request.department')} rules={[{ required: true }]}>
                  <Select options={Object.entries(names.departments).map(([value, label]) => ({ value, label }))} />
                </Form.Item>
              ) : null}
              {failure ? <Alert type="error" showIcon title={failure} style={{ marginBottom: 16 }} /> : null}
              <Button type="primary" htmlType="submit">
                {t('common.submit')}
              </Button>
            </Form>
          </Card>
        </Col>
      </Row>
    </>
  );
}
