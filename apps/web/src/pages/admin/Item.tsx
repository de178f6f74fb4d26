import { App, Button, Card, Descriptions, Form, Input, Modal, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { useParams } from 'react-router-dom';
import { api, errorText, type Schemas, unwrap } from '../../api/client';
import { PageHeader, Time } from '../../components/bits';
import { useLoad } from '../../components/useLoad';
import { useLang, useT } from '../../i18n';
import { Checklist, useLimitText } from '../applicant/Catalogue';
import { StepGraph } from './StepGraph';

type Version = Schemas['ItemVersionDto'];

/** One item: its steps as a graph, its versions (drafts and published), a new version and publishing. */
export function AdminItem() {
  const { code = '' } = useParams();
  const t = useT();
  const [lang] = useLang();
  const zh = lang === 'zh-CN';
  const limitText = useLimitText();
  const { message } = App.useApp();
  const [failure, setFailure] = useState<string | null>(null);
  const [drafting, setDrafting] = useState(false);
  const [form] = Form.useForm();
  const { data, error, reload } = useLoad(async () => {
    const published = unwrap(await api.GET('/api/v1/items/{code}', { params: { path: { code } } }));
    const versions: Version[] = [];
    for (let v = 1; v <= published.version + 20; v++) {
      const r = await api.GET('/api/v1/items/{code}/versions/{version}', { params: { path: { code, version: v } } });
      if (!r.data) break;
      versions.push(r.data);
    }
    return { published, versions };
  }, [code]);

  const publish = async (version: number) => {
    setFailure(null);
    try {
      unwrap(
        await api.POST('/api/v1/items/{code}/versions/{version}/publish', { params: { path: { code, version } } }),
      );
      message.success(t('common.done'));
      reload();
    } catch (e) {
      setFailure(errorText(e));
    }
  };

  /** A new draft: the published definition with the changes made in the form. */
  const draft = async () => {
    if (!data) return;
    const values = (await form.validateFields()) as { name: string; category: string };
    const p = data.published;
    setFailure(null);
    try {
      unwrap(
        await api.POST('/api/v1/items', {
          body: {
            code,
            name: values.name.trim(),
            category: values.category.trim(),
            calendarCode: p.calendarCode,
            joint: p.joint,
            promisedLimit: p.promisedLimit,
            intakeLimit: p.intakeLimit,
            warnShare: p.warnShare,
            formSchema: p.formSchema,
            steps: p.steps.map((s) => ({ key: s.key, matterCode: s.matterCode, dependsOn: s.dependsOn })),
          } as Schemas['CreateItemDto'],
        }),
      );
      message.success(t('common.done'));
      setDrafting(false);
      reload();
    } catch (e) {
      setFailure(errorText(e));
    }
  };

  const item = data?.published;
  return (
    <>
      <PageHeader
        title={item ? `${item.name}（${code}）` : code}
        extra={
          <Button
            type="primary"
            data-testid="new-version"
            onClick={() => {
              form.setFieldsValue({ name: item?.name, category: item?.category });
              setDrafting(true);
            }}
          >
            {zh ? '新建版本' : 'New version'}
          </Button>
        }
      />
      {error}
      {failure ? (
        <div role="alert" style={{ color: '#c7000b', marginBottom: 12 }}>
          {failure}
        </div>
      ) : null}
      {item ? (
        <Space direction="vertical" style={{ width: '100%' }} size={16}>
          <Card title={zh ? '环节（并联审批）' : 'Steps (parallel approval)'}>
            <Descriptions size="small" column={3} style={{ marginBottom: 12 }}>
              <Descriptions.Item label={t('applicant.promisedLimit')}>
                {limitText(item.promisedLimit)}
              </Descriptions.Item>
              <Descriptions.Item label={zh ? '已发布版本' : 'Published'}>
                v{item.version}
                {item.joint ? (
                  <Tag color="purple" style={{ marginLeft: 8 }} data-testid="item-joint">
                    {t('item.joint')}
                  </Tag>
                ) : null}
              </Descriptions.Item>
              <Descriptions.Item label={zh ? '发布时间' : 'Published at'}>
                <Time value={item.publishedAt} />
              </Descriptions.Item>
            </Descriptions>
            <div style={{ overflowX: 'auto' }}>
              <StepGraph steps={item.steps} />
            </div>
          </Card>
          <Card title={t('applicant.checklist')}>
            <Checklist item={item} />
          </Card>
          <Card title={zh ? '版本' : 'Versions'}>
            <Table<Version>
              rowKey="version"
              size="small"
              pagination={false}
              data-testid="versions"
              dataSource={data?.versions ?? []}
              onRow={(v) => ({ 'data-testid': `version-${v.version}` }) as React.HTMLAttributes<HTMLElement>}
              columns={[
                { title: 'v', dataIndex: 'version' },
                { title: t('common.name'), dataIndex: 'name' },
                {
                  title: t('request.status'),
                  dataIndex: 'status',
                  render: (s: string) => (
                    <Tag color={s === 'published' ? 'success' : 'default'}>
                      {s === 'published' ? (zh ? '已发布' : 'published') : zh ? '草稿' : 'draft'}
                    </Tag>
                  ),
                },
                {
                  title: zh ? '发布时间' : 'Published at',
                  dataIndex: 'publishedAt',
                  render: (v: string | null) => <Time value={v} />,
                },
                {
                  title: t('common.actions'),
                  key: 'publish',
                  render: (_: unknown, v) =>
                    v.status === 'draft' ? (
                      <Button
                        size="small"
                        type="primary"
                        onClick={() => void publish(v.version)}
                        data-testid={`publish-${v.version}`}
                      >
                        {zh ? '发布' : 'Publish'}
                      </Button>
                    ) : null,
                },
              ]}
            />
          </Card>
        </Space>
      ) : null}
      <Modal
        open={drafting}
        title={zh ? '新建版本' : 'New version'}
        onCancel={() => setDrafting(false)}
        onOk={() => void draft()}
        okText={t('common.submit')}
        cancelText={t('common.cancel')}
        okButtonProps={{ 'data-testid': 'draft-submit' } as never}
      >
        <Form form={form} layout="vertical">
          <Form.Item name="name" label={t('common.name')} rules={[{ required: true, whitespace: true }]}>
            <Input data-testid="draft-name" />
          </Form.Item>
          <Form.Item name="category" label={zh ? '类别' : 'Category'} rules={[{ required: true, whitespace: true }]}>
            <Input />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
