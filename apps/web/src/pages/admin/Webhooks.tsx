import { ReloadOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  type ButtonProps,
  Descriptions,
  Drawer,
  Form,
  Input,
  Modal,
  Popconfirm,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { api, errorText, type Schemas, unwrap } from '../../api/client';
import { Time } from '../../components/bits';
import { formatTime } from '../../components/format';
import { named, useNames } from '../../components/names';
import { useLoad } from '../../components/useLoad';
import { dynamicKey, useT } from '../../i18n';
import { ListHeader } from './ListHeader';
import { OnceSecret } from './OnceSecret';

type Subscription = Schemas['WebhookSubscriptionDto'];
type Created = Schemas['CreatedWebhookSubscriptionDto'];
type Delivery = Schemas['WebhookDeliveryDto'];
type Attempt = Schemas['WebhookAttemptDto'];

/**
 * The event types a subscription may ask for, by family, as the api accepts them (its
 * WEBHOOK_EVENT_TYPES; README, "Webhooks out"). The api refuses any other pattern in words.
 */
const EVENT_TYPES: Record<string, string[]> = {
  request: [
    'submitted',
    'accepted',
    'refused',
    'supplement-requested',
    'supplied',
    'withdrawn',
    'denied',
    'completed',
    'extended',
    'intake-overdue',
  ],
  step: ['activated', 'approved', 'denied'],
  sla: ['warning', 'overdue', 'legal-breach'],
  'follow-up': ['opened', 'verified', 'rectified', 'closed'],
  licence: ['revoked'],
};

/** Solid and dark enough for white text to read (WCAG AA), as the licences' status tags. */
const GOOD = '#237804';
const BAD = '#a8071a';
const DELIVERY_COLORS: Record<Delivery['status'], string> = { pending: '#0958d9', delivered: GOOD, failed: BAD };

/** Every subscription, page by page (at most 5,000). */
async function allSubscriptions(): Promise<Subscription[]> {
  const all: Subscription[] = [];
  let cursor: string | undefined;
  do {
    const page = unwrap(await api.GET('/api/v1/webhook-subscriptions', { params: { query: { limit: 100, cursor } } }));
    all.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && all.length < 5000);
  return all;
}

const isHttpUrl = (value: string) => {
  try {
    const url = new URL(value.trim());
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
};

/**
 * Webhook subscriptions of the departments' systems: a URL and the events it is sent, its signing
 * secret answered once, disabled when no longer wanted, and each subscription's deliveries with
 * their attempts, a failed one sent again.
 */
export function AdminWebhooks() {
  const t = useT();
  const names = useNames();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ url: string; events: string[]; departmentCode?: string }>();
  const subscriptions = useLoad(allSubscriptions, []);
  const [creating, setCreating] = useState(false);
  const [sending, setSending] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [created, setCreated] = useState<Created | null>(null);
  const [showing, setShowing] = useState(false);
  const [watching, setWatching] = useState<Subscription | null>(null);

  const eventLabel = (type: string) => `${t(dynamicKey(`event.${type}`))}（${type}）`;
  const patternLabel = (pattern: string) => {
    if (pattern === '*') return t('webhook.all');
    if (pattern.endsWith('.*')) {
      const family = pattern.slice(0, -2);
      return t('webhook.family', { family: t(dynamicKey(`webhook.family.${family}`)), pattern });
    }
    return eventLabel(pattern);
  };
  const eventOptions = [
    { value: '*', label: t('webhook.all') },
    ...Object.entries(EVENT_TYPES).map(([family, types]) => ({
      label: t(dynamicKey(`webhook.family.${family}`)),
      title: family,
      options: [
        { value: `${family}.*`, label: patternLabel(`${family}.*`) },
        ...types.map((type) => ({ value: `${family}.${type}`, label: eventLabel(`${family}.${type}`) })),
      ],
    })),
  ];
  const reasonText = (reason: string | null) =>
    reason === 'disabled by an admin'
      ? t('webhook.reason.admin')
      : reason === 'the receiver answered 410 Gone'
        ? t('webhook.reason.gone')
        : reason;

  const create = async () => {
    const values = await form.validateFields();
    setFailure(null);
    setSending(true);
    try {
      const subscription = unwrap(
        await api.POST('/api/v1/webhook-subscriptions', {
          body: {
            url: values.url.trim(),
            events: values.events,
            ...(values.departmentCode ? { departmentCode: values.departmentCode } : {}),
          },
        }),
      );
      setCreating(false);
      setCreated(subscription);
      setShowing(true);
      subscriptions.reload();
    } catch (e) {
      setFailure(errorText(e));
    } finally {
      setSending(false);
    }
  };

  const disable = async (subscription: Subscription) => {
    try {
      unwrap(
        await api.POST('/api/v1/webhook-subscriptions/{subscriptionId}/disable', {
          params: { path: { subscriptionId: subscription.id } },
        }),
      );
      message.success(t('webhook.disabledDone'));
    } catch (e) {
      message.error(errorText(e));
    }
    subscriptions.reload();
  };

  return (
    <>
      <ListHeader
        title={t('admin.webhooks')}
        intro={t('webhook.intro')}
        newLabel={t('webhook.new')}
        newTestId="webhook-new"
        onNew={() => {
          setFailure(null);
          setCreating(true);
        }}
      />
      {subscriptions.error}
      <Table<Subscription>
        rowKey="id"
        size="small"
        data-testid="webhooks"
        loading={subscriptions.loading}
        dataSource={subscriptions.data ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        // On a phone the table scrolls sideways; the URLs stay whole on one line.
        scroll={{ x: 'max-content' }}
        onRow={(s) => ({ 'data-testid': `webhook-${s.id}`, 'data-status': s.active ? 'active' : 'disabled' }) as object}
        columns={[
          {
            title: t('webhook.url'),
            render: (_, s) => (
              <Typography.Text copyable style={{ whiteSpace: 'nowrap' }}>
                {s.url}
              </Typography.Text>
            ),
          },
          {
            title: t('webhook.events'),
            render: (_, s) => (
              <Space size={[0, 4]} wrap style={{ maxWidth: 320 }}>
                {s.events.map((e) => (
                  <Tag key={e} title={patternLabel(e)}>
                    {e}
                  </Tag>
                ))}
              </Space>
            ),
          },
          {
            title: t('webhook.department'),
            render: (_, s) =>
              s.departmentCode ? (
                named(names.departments, s.departmentCode)
              ) : (
                <Typography.Text type="secondary">{t('webhook.allDepartments')}</Typography.Text>
              ),
          },
          {
            title: t('common.status'),
            filters: [
              { value: 'active', text: t('webhook.active') },
              { value: 'disabled', text: t('webhook.disabled') },
            ],
            onFilter: (value, s) => (s.active ? 'active' : 'disabled') === value,
            render: (_, s) =>
              s.active ? (
                <Tag color={GOOD} data-testid="webhook-status" data-status="active">
                  {t('webhook.active')}
                </Tag>
              ) : (
                <Space orientation="vertical" size={0}>
                  <Tag data-testid="webhook-status" data-status="disabled">
                    {t('webhook.disabled')}
                  </Tag>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="webhook-disabled-reason">
                    {reasonText(s.disabledReason)}
                    {s.disabledAt ? ` · ${t('webhook.disabledAt', { time: formatTime(s.disabledAt) })}` : ''}
                  </Typography.Text>
                </Space>
              ),
          },
          { title: t('common.createdAt'), render: (_, s) => <Time value={s.createdAt} /> },
          {
            title: t('common.actions'),
            render: (_, s) => (
              <Space>
                <Button size="small" onClick={() => setWatching(s)} data-testid={`webhook-deliveries-${s.id}`}>
                  {t('webhook.deliveries')}
                </Button>
                {s.active ? (
                  <Popconfirm
                    title={t('webhook.disable')}
                    description={<div style={{ maxWidth: 320 }}>{t('webhook.disableConfirm')}</div>}
                    okText={t('webhook.disable')}
                    cancelText={t('common.cancel')}
                    okButtonProps={{ danger: true, 'data-testid': 'confirm-disable' } as ButtonProps}
                    onConfirm={() => disable(s)}
                  >
                    <Button size="small" data-testid={`webhook-disable-${s.id}`}>
                      {t('webhook.disable')}
                    </Button>
                  </Popconfirm>
                ) : null}
              </Space>
            ),
          },
        ]}
      />
      <Modal
        open={creating}
        title={t('webhook.new')}
        onCancel={() => setCreating(false)}
        onOk={() => void create()}
        okText={t('common.submit')}
        cancelText={t('common.cancel')}
        okButtonProps={{ loading: sending, 'data-testid': 'modal-submit' } as ButtonProps}
        width={640}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" data-testid="webhook-form" preserve={false}>
          <Form.Item
            name="url"
            label={t('webhook.url')}
            extra={t('webhook.urlHelp')}
            rules={[
              { required: true, message: t('webhook.urlRule') },
              {
                validator: (_, value: string | undefined) =>
                  !value || isHttpUrl(value) ? Promise.resolve() : Promise.reject(new Error(t('webhook.urlRule'))),
              },
            ]}
          >
            <Input
              autoComplete="off"
              placeholder="https://tax.example.gov.cn/one-thing/events"
              data-testid="webhook-url"
            />
          </Form.Item>
          <Form.Item
            name="events"
            label={t('webhook.events')}
            extra={t('webhook.eventsHelp')}
            rules={[{ required: true, type: 'array', min: 1, message: t('webhook.eventsRule') }]}
          >
            <Select
              mode="multiple"
              showSearch={{ optionFilterProp: 'label' }}
              data-testid="webhook-events"
              options={eventOptions}
            />
          </Form.Item>
          <Form.Item name="departmentCode" label={t('webhook.department')} extra={t('webhook.departmentHelp')}>
            <Select
              allowClear
              placeholder={t('webhook.allDepartments')}
              showSearch={{ optionFilterProp: 'label' }}
              data-testid="webhook-department"
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
        title={t('webhook.secretTitle')}
        warning={t('webhook.secretWarning')}
        secret={created?.secret ?? ''}
        testId="webhook-secret"
        savedText={t('webhook.saved')}
        onClose={() => setShowing(false)}
        afterClose={() => setCreated(null)}
      >
        <Typography.Title level={5} style={{ marginTop: 16 }}>
          {t('webhook.verifyHow')}
        </Typography.Title>
        <Typography.Paragraph style={{ marginBottom: 8 }}>{t('webhook.verifyHelp')}</Typography.Paragraph>
        {/* focusable, as a region that scrolls sideways must be for the keyboard */}
        <pre tabIndex={0} style={{ background: '#f5f5f5', padding: 8, margin: 0, overflowX: 'auto', fontSize: 12 }}>
          {`import { Webhook } from 'standardwebhooks';
const wh = new Webhook(process.env.ONE_THING_WEBHOOK_SECRET); // whsec_…
// body: the raw request body; throws unless the signature and a recent timestamp match
const event = wh.verify(body, headers);`}
        </pre>
      </OnceSecret>
      <Drawer
        open={watching !== null}
        onClose={() => setWatching(null)}
        title={watching ? t('webhook.deliveriesOf', { url: watching.url }) : ''}
        size={Math.min(1000, window.innerWidth)}
        destroyOnHidden
        data-testid="deliveries-drawer"
      >
        {watching ? <Deliveries subscription={watching} /> : null}
      </Drawer>
    </>
  );
}

/** One subscription's deliveries, newest first, each with its attempts; a finished one may be sent again. */
function Deliveries({ subscription }: { subscription: Subscription }) {
  const t = useT();
  const { message } = App.useApp();
  const [failedOnly, setFailedOnly] = useState(false);
  const [items, setItems] = useState<Delivery[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const first = useLoad(
    async () =>
      unwrap(
        await api.GET('/api/v1/webhook-deliveries', {
          params: {
            query: { subscriptionId: subscription.id, limit: 50, ...(failedOnly ? { status: 'failed' as const } : {}) },
          },
        }),
      ),
    [subscription.id, failedOnly],
  );
  useEffect(() => {
    if (!first.data) return;
    setItems(first.data.items);
    setCursor(first.data.nextCursor);
  }, [first.data]);

  const more = async () => {
    if (!cursor) return;
    try {
      const page = unwrap(
        await api.GET('/api/v1/webhook-deliveries', {
          params: {
            query: {
              subscriptionId: subscription.id,
              limit: 50,
              cursor,
              ...(failedOnly ? { status: 'failed' as const } : {}),
            },
          },
        }),
      );
      setItems((shown) => [...shown, ...page.items]);
      setCursor(page.nextCursor);
    } catch (e) {
      message.error(errorText(e));
    }
  };

  const resend = async (delivery: Delivery) => {
    try {
      const again = unwrap(
        await api.POST('/api/v1/webhook-deliveries/{deliveryId}/resend', {
          params: { path: { deliveryId: delivery.id } },
        }),
      );
      message.success(t('delivery.resent'));
      setItems((shown) => shown.map((d) => (d.id === again.id ? again : d)));
    } catch (e) {
      message.error(errorText(e));
    }
  };

  const last = (d: Delivery): Attempt | undefined => d.attempts[d.attempts.length - 1];

  return (
    <>
      <Space wrap style={{ marginBottom: 12 }}>
        <Space>
          <Switch
            checked={failedOnly}
            onChange={setFailedOnly}
            aria-label={t('delivery.failedOnly')}
            data-testid="deliveries-failed-only"
          />
          <span>{t('delivery.failedOnly')}</span>
        </Space>
        <Button icon={<ReloadOutlined />} onClick={first.reload} data-testid="deliveries-refresh">
          {t('common.refresh')}
        </Button>
      </Space>
      {first.error}
      <Table<Delivery>
        rowKey="id"
        size="small"
        data-testid="deliveries"
        loading={first.loading}
        dataSource={items}
        pagination={false}
        locale={{ emptyText: t('delivery.none') }}
        // On a phone the table scrolls sideways inside the drawer. A set width, not max-content: an expanded
        // row's attempts (a table of their own) would otherwise squeeze the columns out of sight.
        scroll={{ x: 860 }}
        onRow={(d) => ({ 'data-testid': `delivery-${d.id}`, 'data-status': d.status }) as object}
        expandable={{
          expandedRowRender: (d) => (
            <div data-testid={`delivery-detail-${d.id}`}>
              <Descriptions size="small" column={1} style={{ marginBottom: 8 }}>
                <Descriptions.Item label={t('delivery.messageId')}>
                  <Typography.Text code copyable>
                    {d.messageId}
                  </Typography.Text>
                </Descriptions.Item>
                <Descriptions.Item label={t('delivery.finishedAt')}>
                  <Time value={d.finishedAt} />
                </Descriptions.Item>
              </Descriptions>
              <Table<Attempt>
                rowKey={(a) => a.attemptedAt}
                size="small"
                pagination={false}
                dataSource={d.attempts}
                data-testid={`delivery-attempts-${d.id}`}
                columns={[
                  { title: t('delivery.attemptedAt'), render: (_, a) => <Time value={a.attemptedAt} /> },
                  {
                    title: t('delivery.statusCode'),
                    render: (_, a) =>
                      a.statusCode === null ? (
                        <Tag>{t('delivery.noAnswer')}</Tag>
                      ) : (
                        <Tag color={a.statusCode >= 200 && a.statusCode < 300 ? GOOD : BAD}>{a.statusCode}</Tag>
                      ),
                  },
                  {
                    title: t('delivery.latency'),
                    render: (_, a) => t('delivery.latencyMs', { n: Math.round(a.latencyMs) }),
                  },
                  {
                    title: t('delivery.excerpt'),
                    render: (_, a) => (
                      <>
                        {a.error ? (
                          <Typography.Text style={{ color: BAD }}>
                            {t('delivery.error')}
                            {t('p.colon')}
                            {a.error}
                          </Typography.Text>
                        ) : null}
                        {a.responseExcerpt ? (
                          <pre
                            data-testid="delivery-excerpt"
                            style={{
                              margin: 0,
                              maxWidth: 480,
                              whiteSpace: 'pre-wrap',
                              wordBreak: 'break-all',
                              fontSize: 12,
                            }}
                          >
                            {a.responseExcerpt}
                          </pre>
                        ) : null}
                      </>
                    ),
                  },
                ]}
              />
            </div>
          ),
        }}
        columns={[
          {
            title: t('common.status'),
            render: (_, d) => (
              <Tag color={DELIVERY_COLORS[d.status]} data-testid="delivery-status" data-status={d.status}>
                {t(dynamicKey(`delivery.status.${d.status}`))}
              </Tag>
            ),
          },
          {
            title: t('delivery.event'),
            render: (_, d) => (
              <span style={{ whiteSpace: 'nowrap' }}>
                {t(dynamicKey(`event.${d.eventType}`))}{' '}
                <Typography.Text type="secondary">{d.eventType}</Typography.Text>
              </span>
            ),
          },
          {
            title: t('delivery.request'),
            render: (_, d) => (
              <Link to={`/requests/${d.requestId}`} data-testid="delivery-request">
                #{d.requestId}
              </Link>
            ),
          },
          {
            title: t('delivery.attempts'),
            render: (_, d) => {
              const a = last(d);
              return (
                <Space size={4} style={{ whiteSpace: 'nowrap' }}>
                  <span data-testid="delivery-attempt-count">
                    {t('delivery.attemptCount', { n: d.attempts.length })}
                  </span>
                  {a ? (
                    <Typography.Text type="secondary">
                      {a.statusCode ?? t('delivery.noAnswer')} ·{' '}
                      {t('delivery.latencyMs', { n: Math.round(a.latencyMs) })}
                    </Typography.Text>
                  ) : null}
                </Space>
              );
            },
          },
          { title: t('delivery.createdAt'), render: (_, d) => <Time value={d.createdAt} /> },
          {
            title: t('common.actions'),
            render: (_, d) =>
              d.status === 'failed' ? (
                <Button size="small" onClick={() => void resend(d)} data-testid={`delivery-resend-${d.id}`}>
                  {t('delivery.resend')}
                </Button>
              ) : null,
          },
        ]}
      />
      {cursor ? (
        <Button style={{ marginTop: 12 }} onClick={() => void more()} data-testid="deliveries-more">
          {t('common.more')}
        </Button>
      ) : null}
    </>
  );
}
