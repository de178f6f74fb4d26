import { Button, Card, Col, Empty, Flex, Input, Row, Segmented, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { api, type Schemas, unwrap } from '../../api/client';
import { PageHeader } from '../../components/bits';
import { useLoad } from '../../components/useLoad';
import { dynamicKey, useT } from '../../i18n';
import { NearbyPlaces } from './NearbyPlaces';

type Item = Schemas['PublishedItemDto'];
type Limit = Schemas['TimeLimitDto'];
type Stage = NonNullable<Item['stage']>;

const UNIT: Record<string, [string, string]> = {
  workingDays: ['个工作日', 'working days'],
  workingHours: ['个工作小时', 'working hours'],
  workingMinutes: ['个工作分钟', 'working minutes'],
};
export function useLimitText() {
  const t = useT();
  const zh = t('common.language') === 'English';
  return (limit: Limit | null | undefined) =>
    limit ? `${limit.value} ${UNIT[limit.unit]?.[zh ? 0 : 1] ?? limit.unit}` : '—';
}

/** One item's merged checklist (一张清单): each material once, with the matters it serves. */
export function Checklist({ item }: { item: Item }) {
  const t = useT();
  const matterName = (code: string) => item.steps.find((s) => s.matterCode === code)?.matterName ?? code;
  return (
    <Table
      rowKey="code"
      size="small"
      pagination={false}
      // at phone width the table scrolls inside its card instead of widening the page
      scroll={{ x: 560 }}
      data-testid={`checklist-${item.code}`}
      dataSource={item.checklist}
      columns={[
        { title: t('common.materials'), dataIndex: 'name', render: (n: string, c) => `${n}（${c.code}）` },
        {
          title: t('applicant.required'),
          dataIndex: 'required',
          render: (r: boolean, c) => (
            <Space size={2}>
              {r ? <Tag color="red">{t('applicant.required')}</Tag> : <Tag>{t('applicant.optional')}</Tag>}
              {c.key ? <Tag color="gold">{t('applicant.key')}</Tag> : null}
            </Space>
          ),
        },
        {
          title: t('applicant.servesMatters'),
          dataIndex: 'matters',
          render: (m: string[]) => m.map(matterName).join('、'),
        },
      ]}
    />
  );
}

const STAGES = ['ENTRY', 'HIRING', 'TAXES', 'OPERATION', 'CONSTRUCTION', 'EXIT'];
const PAGE = 12;

/** One page of the published items of a stage matching the search, each with its steps and checklist. */
async function cataloguePage(stage: string, q: string, cursor?: string | null) {
  const query = {
    limit: PAGE,
    stage: stage === 'ALL' ? undefined : (stage as Stage),
    q: q || undefined,
    cursor: cursor ?? undefined,
  };
  const page = unwrap(await api.GET('/api/v1/items', { params: { query } }));
  const items = await Promise.all(
    page.items.map(async (i) => unwrap(await api.GET('/api/v1/items/{code}', { params: { path: { code: i.code } } }))),
  );
  return { items, nextCursor: page.nextCursor };
}

export function Catalogue() {
  const t = useT();
  const navigate = useNavigate();
  const limitText = useLimitText();
  const [open, setOpen] = useState<string | null>(null);
  // 一类事一站办: the items by the enterprise's life-cycle stage, in the order a company lives them.
  const [stage, setStage] = useState<string>('ALL');
  const [q, setQ] = useState('');
  const [more, setMore] = useState<Item[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [fetching, setFetching] = useState(false);
  const { data, loading, error } = useLoad(async () => {
    const page = await cataloguePage(stage, q);
    setMore([]);
    setCursor(page.nextCursor);
    return page.items;
  }, [stage, q]);
  const loadMore = async () => {
    if (!cursor) return;
    setFetching(true);
    try {
      const page = await cataloguePage(stage, q, cursor);
      setMore((m) => [...m, ...page.items]);
      setCursor(page.nextCursor);
    } finally {
      setFetching(false);
    }
  };
  const shown = [...(data ?? []), ...more];
  return (
    <>
      <PageHeader title={t('applicant.catalogue')} />
      {error}
      <Flex gap={12} wrap style={{ marginBottom: 16 }}>
        <Input.Search
          allowClear
          data-testid="catalogue-search"
          aria-label={t('applicant.searchItems')}
          placeholder={t('applicant.searchItems')}
          maxLength={50}
          style={{ width: 280, maxWidth: '100%' }}
          onSearch={(value) => setQ(value.trim())}
        />
        <Segmented
          data-testid="stage-filter"
          style={{ maxWidth: '100%', overflowX: 'auto' }}
          value={stage}
          onChange={(v) => setStage(String(v))}
          options={[
            { value: 'ALL', label: t('stage.ALL') },
            ...STAGES.map((s) => ({ value: s, label: t(dynamicKey(`stage.${s}`)) })),
          ]}
        />
      </Flex>
      {!loading && shown.length === 0 ? (
        <Empty data-testid="catalogue-empty" description={t(q ? 'applicant.noMatch' : 'applicant.noItems')} />
      ) : null}
      {shown.length > 0 ? <NearbyPlaces items={shown} /> : null}
      <Row gutter={[16, 16]}>
        {shown.map((item) => (
          <Col xs={24} xl={12} key={item.code}>
            <Card
              loading={loading}
              data-testid={`item-${item.code}`}
              title={
                <Space wrap>
                  {item.name}
                  <Tag>v{item.version}</Tag>
                  {item.stage ? <Tag color="blue">{t(dynamicKey(`stage.${item.stage}`))}</Tag> : null}
                  {item.joint ? (
                    <Tag color="purple" data-testid={`joint-${item.code}`}>
                      {t('item.joint')}
                    </Tag>
                  ) : null}
                </Space>
              }
              extra={
                <Button
                  type="primary"
                  onClick={() => navigate(`/catalogue/${item.code}`)}
                  data-testid={`apply-${item.code}`}
                >
                  {t('applicant.apply')}
                </Button>
              }
            >
              <Typography.Paragraph>
                {t('applicant.promisedLimit')}
                {t('p.colon')}
                <strong>{limitText(item.promisedLimit)}</strong> · {t('applicant.steps', { n: item.steps.length })} ·{' '}
                {item.steps.map((s) => s.matterName).join('、')}
              </Typography.Paragraph>
              <Button
                type="link"
                style={{ padding: 0 }}
                onClick={() => setOpen(open === item.code ? null : item.code)}
                aria-expanded={open === item.code}
              >
                {t('applicant.checklist')}（{item.checklist.length}）
              </Button>
              {open === item.code ? <Checklist item={item} /> : null}
            </Card>
          </Col>
        ))}
      </Row>
      {cursor && !loading ? (
        <Flex justify="center" style={{ marginTop: 16 }}>
          <Button data-testid="catalogue-more" loading={fetching} onClick={() => void loadMore()}>
            {t('common.more')}
          </Button>
        </Flex>
      ) : null}
    </>
  );
}
