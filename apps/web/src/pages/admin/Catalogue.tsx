import { App, Button, Card, Form, Input, Modal, Select, Space, Table, Tabs, Tag } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api, errorText, type Schemas, unwrap } from '../../api/client';
import { PageHeader } from '../../components/bits';
import { listAll, named, useNames } from '../../components/names';
import { useLoad } from '../../components/useLoad';
import { useLang, useT } from '../../i18n';
import { useLimitText } from '../applicant/Catalogue';
import { MatterForm } from './MatterForm';

type Limit = Schemas['TimeLimitDto'];
type Matter = Schemas['MatterDto'];

/** Every matter, page by page (at most 5,000): a new one is found in the list whatever its code. */
async function allMatters(): Promise<Matter[]> {
  const all: Matter[] = [];
  let cursor: string | undefined;
  do {
    const page = unwrap(await api.GET('/api/v1/matters', { params: { query: { limit: 100, cursor } } }));
    all.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && all.length < 5000);
  return all;
}

const LEVELS: Record<string, [string, string]> = {
  centre: ['政务服务中心（1）', 'Centre (1)'],
  branch: ['政务服务分中心（5）', 'Branch (5)'],
  point: ['便民服务站（N）', 'Service point (N)'],
};

/** Whether a matter's code or name contains the words searched for. */
const matches = (m: Matter, search: string) => {
  const words = search.trim().toLowerCase();
  return !words || m.code.toLowerCase().includes(words) || m.name.toLowerCase().includes(words);
};

/** Departments, halls (1+5+N), matters and items, with new departments, halls and matters made here. */
export function AdminCatalogue() {
  const t = useT();
  const [lang] = useLang();
  const zh = lang === 'zh-CN';
  const names = useNames();
  const limitText = useLimitText();
  const { message } = App.useApp();
  const { data, loading, error, reload } = useLoad(async () => {
    const [departments, halls, matters, items] = await Promise.all([
      listAll('/api/v1/departments'),
      api.GET('/api/v1/halls', { params: { query: { limit: 100 } } }),
      allMatters(),
      api.GET('/api/v1/items', { params: { query: { limit: 100 } } }),
    ]);
    return {
      departments,
      halls: unwrap(halls).items,
      matters,
      items: unwrap(items).items,
    };
  }, []);
  const [adding, setAdding] = useState<'department' | 'hall' | null>(null);
  const [addingMatter, setAddingMatter] = useState(false);
  const [matterSearch, setMatterSearch] = useState('');
  const [form] = Form.useForm();
  const [failure, setFailure] = useState<string | null>(null);

  const save = async () => {
    const values = (await form.validateFields()) as Record<string, string>;
    setFailure(null);
    try {
      if (adding === 'department')
        unwrap(await api.POST('/api/v1/departments', { body: { code: values.code.trim(), name: values.name.trim() } }));
      else
        unwrap(
          await api.POST('/api/v1/halls', {
            body: {
              code: values.code.trim(),
              name: values.name.trim(),
              level: values.level as 'centre',
              ...(values.parentCode ? { parentCode: values.parentCode } : {}),
            },
          }),
        );
      message.success(t('common.done'));
      setAdding(null);
      reload();
    } catch (e) {
      setFailure(errorText(e));
    }
  };

  return (
    <>
      <PageHeader title={t('admin.catalogue')} />
      {error}
      <Card loading={loading && !data}>
        <Tabs
          items={[
            {
              key: 'items',
              label: <span data-testid="tab-items">{t('admin.items')}</span>,
              children: (
                <Table
                  rowKey="code"
                  size="small"
                  data-testid="admin-items"
                  dataSource={data?.items ?? []}
                  columns={[
                    {
                      title: t('common.code'),
                      dataIndex: 'code',
                      render: (c: string) => <Link to={`/admin/items/${c}`}>{c}</Link>,
                    },
                    {
                      title: t('common.name'),
                      dataIndex: 'name',
                      render: (name: string, row: { joint: boolean }) => (
                        <>
                          {name}
                          {row.joint ? (
                            <Tag color="purple" style={{ marginLeft: 8 }}>
                              {t('item.joint')}
                            </Tag>
                          ) : null}
                        </>
                      ),
                    },
                    { title: zh ? '版本' : 'Version', dataIndex: 'version', render: (v: number) => <Tag>v{v}</Tag> },
                  ]}
                />
              ),
            },
            {
              key: 'matters',
              label: <span data-testid="tab-matters">{t('admin.matters')}</span>,
              children: (
                <>
                  <Space wrap style={{ marginBottom: 12 }}>
                    <Button onClick={() => setAddingMatter(true)} data-testid="add-matter">
                      + {t('matter.new')}
                    </Button>
                    <Input.Search
                      allowClear
                      data-testid="matters-search"
                      aria-label={t('matter.search')}
                      placeholder={t('matter.search')}
                      value={matterSearch}
                      onChange={(e) => setMatterSearch(e.target.value)}
                      style={{ width: 280 }}
                    />
                  </Space>
                  <Table
                    rowKey="code"
                    size="small"
                    data-testid="admin-matters"
                    dataSource={(data?.matters ?? []).filter((m) => matches(m, matterSearch))}
                    onRow={(m) => ({ 'data-testid': `matter-${m.code}` }) as React.HTMLAttributes<HTMLElement>}
                    scroll={{ x: 1000 }}
                    columns={[
                      { title: t('common.code'), dataIndex: 'code' },
                      { title: t('common.name'), dataIndex: 'name' },
                      {
                        title: t('request.department'),
                        dataIndex: 'departmentCode',
                        render: (c: string) => named(names.departments, c),
                      },
                      {
                        title: t('applicant.promisedLimit'),
                        dataIndex: 'promisedLimit',
                        render: (l: Limit) => limitText(l),
                      },
                      {
                        title: t('applicant.legalLimit'),
                        dataIndex: 'legalLimit',
                        render: (l: Limit | null) => (l ? limitText(l) : t('matter.valueAdded')),
                      },
                      {
                        title: t('common.materials'),
                        dataIndex: 'materials',
                        render: (m: { name: string }[]) => m.map((x) => x.name).join('、'),
                      },
                      {
                        title: t('request.outputs'),
                        dataIndex: 'output',
                        render: (o: { name: string } | null) => o?.name ?? '—',
                      },
                    ]}
                  />
                </>
              ),
            },
            {
              key: 'departments',
              label: <span data-testid="tab-departments">{t('admin.departments')}</span>,
              children: (
                <>
                  <Button
                    onClick={() => {
                      form.resetFields();
                      setAdding('department');
                    }}
                    style={{ marginBottom: 12 }}
                    data-testid="add-department"
                  >
                    + {t('admin.departments')}
                  </Button>
                  <Table
                    rowKey="code"
                    size="small"
                    dataSource={data?.departments ?? []}
                    columns={[
                      { title: t('common.code'), dataIndex: 'code' },
                      { title: t('common.name'), dataIndex: 'name' },
                    ]}
                  />
                </>
              ),
            },
            {
              key: 'halls',
              label: <span data-testid="tab-halls">{t('admin.halls')}</span>,
              children: (
                <>
                  <Button
                    onClick={() => {
                      form.resetFields();
                      setAdding('hall');
                    }}
                    style={{ marginBottom: 12 }}
                    data-testid="add-hall"
                  >
                    + {t('admin.halls')}
                  </Button>
                  <Table
                    rowKey="code"
                    size="small"
                    dataSource={data?.halls ?? []}
                    columns={[
                      { title: t('common.code'), dataIndex: 'code' },
                      { title: t('common.name'), dataIndex: 'name' },
                      { title: '1+5+N', dataIndex: 'level', render: (l: string) => LEVELS[l]?.[zh ? 0 : 1] ?? l },
                      { title: '↑', dataIndex: 'parentCode', render: (p: string | null) => named(names.halls, p) },
                    ]}
                  />
                </>
              ),
            },
          ]}
        />
      </Card>
      <MatterForm
        open={addingMatter}
        departments={data?.departments ?? []}
        onClose={() => setAddingMatter(false)}
        onCreated={(code) => {
          setAddingMatter(false);
          setMatterSearch(code);
          reload();
        }}
      />
      <Modal
        open={adding !== null}
        title={adding === 'hall' ? t('admin.halls') : t('admin.departments')}
        onCancel={() => setAdding(null)}
        onOk={() => void save()}
        okText={t('common.submit')}
        cancelText={t('common.cancel')}
      >
        <Form form={form} layout="vertical">
          <Form.Item
            name="code"
            label={t('common.code')}
            rules={[{ required: true, pattern: /^[A-Z0-9_-]{1,32}$/, message: 'A-Z 0-9 _ -' }]}
          >
            <Input />
          </Form.Item>
          <Form.Item name="name" label={t('common.name')} rules={[{ required: true, whitespace: true }]}>
            <Input />
          </Form.Item>
          {adding === 'hall' ? (
            <>
              <Form.Item name="level" label="1+5+N" rules={[{ required: true }]}>
                <Select options={Object.entries(LEVELS).map(([value, l]) => ({ value, label: l[zh ? 0 : 1] }))} />
              </Form.Item>
              <Form.Item name="parentCode" label="↑">
                <Select allowClear options={(data?.halls ?? []).map((h) => ({ value: h.code, label: h.name }))} />
              </Form.Item>
            </>
          ) : null}
        </Form>
        {failure ? (
          <div role="alert" style={{ color: '#c7000b' }}>
            {failure}
          </div>
        ) : null}
      </Modal>
    </>
  );
}
