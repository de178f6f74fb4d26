import { Button, Card, Col, DatePicker, Radio, Row, Select, Space, Statistic, Table } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { ZONE } from '../../components/format';
import { useMemo, useState } from 'react';
import { api, download, errorText, unwrap } from '../../api/client';
import { PageHeader, ScrollRegion } from '../../components/bits';
import { Chart } from '../../components/Chart';
import { named, useNames } from '../../components/names';
import { useLoad } from '../../components/useLoad';
import { dynamicKey, useLang, useT } from '../../i18n';
import { FreshnessNote } from './FreshnessNote';
import {
  AGE_BUCKETS,
  type Backlog,
  type Filters,
  FLOWS,
  hours,
  percent,
  type Satisfaction,
  type Throughput,
  type Turnaround,
} from './reports';

const GROUPS = ['item', 'department', 'hall', 'step', 'approver'] as const;
type Group = (typeof GROUPS)[number];

/** CSV and XLSX buttons for one report, with the same filters as on screen. */
export function Downloads({ report, query }: { report: string; query: Record<string, string | undefined> }) {
  const t = useT();
  const [failure, setFailure] = useState<string | null>(null);
  const get = (format: 'csv' | 'xlsx') =>
    download(`/api/v1/reports/${report}`, { ...query, format }, `${report}.${format}`).catch((e: unknown) =>
      setFailure(errorText(e)),
    );
  return (
    <Space>
      <Button size="small" onClick={() => void get('csv')} data-testid={`download-${report}-csv`}>
        {t('common.download.csv')}
      </Button>
      <Button size="small" onClick={() => void get('xlsx')} data-testid={`download-${report}-xlsx`}>
        {t('common.download.xlsx')}
      </Button>
      {failure ? <span role="alert">{failure}</span> : null}
    </Space>
  );
}

const LABELS = {
  zh: {
    turnaround: '办理时效',
    backlog: '在办积压',
    throughput: '办件量',
    satisfaction: '满意度',
    key: '分组',
    completed: '办结数',
    onTime: '按时办结数',
    onTimeRate: '按时办结率',
    legalOnTimeRate: '法定时限内办结率',
    mean: '平均用时（工作小时）',
    median: '用时中位数（工作小时）',
    p90: '90% 用时（工作小时）',
    status: '状态',
    total: '合计',
    ages: ['不足1天', '1-3天', '3-7天', '7-15天', '超过15天'],
    flows: ['申请', '受理', '办结', '不予许可', '不予受理', '撤回'],
    period: '时段',
    day: '按日',
    week: '按周',
    groups: { item: '按一件事', department: '按部门', hall: '按大厅', step: '按环节', approver: '按审批人员' },
    evaluations: '评价数',
    meanScore: '平均分',
    badReviewRate: '差评率',
    followUpsOpened: '整改发起数',
    followUpsClosed: '整改完成数',
    followUpOnTimeRate: '整改按时率',
    followUpsOverdue: '整改超期数（当前）',
    scores: ['非常不满意', '不满意', '基本满意', '满意', '非常满意'],
    hall: '大厅',
    department: '部门',
    item: '一件事',
    range: '统计时段',
    noneCompleted: '统计时段内暂无办结的办件',
  },
  en: {
    turnaround: 'Turnaround',
    backlog: 'Backlog',
    throughput: 'Throughput',
    satisfaction: 'Satisfaction',
    key: 'Group',
    completed: 'Completed',
    onTime: 'On time',
    onTimeRate: 'On-time rate',
    legalOnTimeRate: 'Within legal limit',
    mean: 'Mean (working hours)',
    median: 'Median (working hours)',
    p90: 'p90 (working hours)',
    status: 'Status',
    total: 'Total',
    ages: ['< 1 day', '1-3 days', '3-7 days', '7-15 days', '> 15 days'],
    flows: ['Submitted', 'Accepted', 'Completed', 'Denied', 'Refused', 'Withdrawn'],
    period: 'Period',
    day: 'Daily',
    week: 'Weekly',
    groups: { item: 'By item', department: 'By department', hall: 'By hall', step: 'By step', approver: 'By approver' },
    evaluations: 'Evaluations',
    meanScore: 'Mean score',
    badReviewRate: 'Bad-review rate',
    followUpsOpened: 'Follow-ups opened',
    followUpsClosed: 'Follow-ups closed',
    followUpOnTimeRate: 'Follow-ups on time',
    followUpsOverdue: 'Follow-ups overdue now',
    scores: ['Very dissatisfied', 'Dissatisfied', 'Acceptable', 'Satisfied', 'Very satisfied'],
    hall: 'Hall',
    department: 'Department',
    item: 'Item',
    range: 'Period',
    noneCompleted: 'Nothing completed in this period',
  },
};

export function useLabels() {
  const [lang] = useLang();
  return lang === 'en' ? LABELS.en : LABELS.zh;
}

const clean = (q: Record<string, string | undefined>) =>
  Object.fromEntries(Object.entries(q).filter(([, v]) => v)) as Record<string, string>;

export function Dashboard() {
  const t = useT();
  const L = useLabels();
  const names = useNames();
  const [range, setRange] = useState<[Dayjs, Dayjs]>(() => {
    // The zone's today (Asia/Shanghai), whatever the browser's time zone: the api counts zone dates.
    const today = dayjs(dayjs().tz(ZONE).format('YYYY-MM-DD'));
    return [today.subtract(29, 'day'), today];
  });
  const [filters, setFilters] = useState<Filters>({});
  const [groupBy, setGroupBy] = useState<Group>('item');
  const [interval, setInterval] = useState<'day' | 'week'>('day');
  const period = { from: range[0].format('YYYY-MM-DD'), to: range[1].format('YYYY-MM-DD') };
  const scope = clean({
    hallCode: filters.hallCode,
    departmentCode: filters.departmentCode,
    itemCode: filters.itemCode,
  });
  const q = JSON.stringify([period, scope, groupBy, interval]);

  const { data, error, loading } = useLoad(async () => {
    const [turnaround, backlog, throughput, satisfaction] = await Promise.all([
      api.GET('/api/v1/reports/turnaround', { params: { query: { ...period, ...scope, groupBy } } }),
      api.GET('/api/v1/reports/backlog', { params: { query: scope } }),
      api.GET('/api/v1/reports/throughput', { params: { query: { ...period, ...scope, interval } } }),
      api.GET('/api/v1/reports/satisfaction', { params: { query: { ...period, ...scope } } }),
    ]);
    return {
      turnaround: unwrap(turnaround) as unknown as Turnaround,
      backlog: unwrap(backlog) as unknown as Backlog,
      throughput: unwrap(throughput) as unknown as Throughput,
      satisfaction: unwrap(satisfaction) as unknown as Satisfaction,
    };
  }, [q]);

  const keyName = (key: string) =>
    groupBy === 'item'
      ? named(names.items, key)
      : groupBy === 'department'
        ? named(names.departments, key)
        : groupBy === 'hall'
          ? named(names.halls, key)
          : key;

  const turnaroundChart = useMemo(() => {
    const rows = data?.turnaround.rows ?? [];
    return {
      // Nothing completed in the period: say so on the chart instead of leaving bare axes.
      graphic: rows.length
        ? []
        : [
            {
              type: 'text',
              left: 'center',
              top: 'middle',
              style: { text: L.noneCompleted, fill: '#8c8c8c', fontSize: 14 },
            },
          ],
      tooltip: { trigger: 'axis' },
      legend: { data: [L.median, L.p90, L.onTimeRate, L.legalOnTimeRate], top: 0 },
      grid: { left: 48, right: 48, top: 48, bottom: 60 },
      xAxis: {
        type: 'category',
        data: rows.map((r) => keyName(r.key)),
        axisLabel: { interval: 0, rotate: rows.length > 4 ? 30 : 0 },
      },
      yAxis: [
        { type: 'value', name: 'h' },
        { type: 'value', name: '%', max: 100 },
      ],
      series: [
        { name: L.median, type: 'bar', data: rows.map((r) => r.medianWorkingHours) },
        { name: L.p90, type: 'bar', data: rows.map((r) => r.p90WorkingHours) },
        {
          name: L.onTimeRate,
          type: 'line',
          yAxisIndex: 1,
          data: rows.map((r) => (r.onTimeRate === null ? null : Math.round(r.onTimeRate * 1000) / 10)),
        },
        {
          name: L.legalOnTimeRate,
          type: 'line',
          yAxisIndex: 1,
          data: rows.map((r) => (r.legalOnTimeRate === null ? null : Math.round(r.legalOnTimeRate * 1000) / 10)),
        },
      ],
    };
  }, [data, L, names]); // eslint-disable-line react-hooks/exhaustive-deps

  const backlogChart = useMemo(() => {
    const rows = data?.backlog.rows ?? [];
    return {
      tooltip: { trigger: 'axis' },
      legend: { data: L.ages, top: 0 },
      grid: { left: 48, right: 16, top: 48, bottom: 32 },
      xAxis: { type: 'category', data: rows.map((r) => t(dynamicKey(`status.request.${r.status}`))) },
      yAxis: { type: 'value', minInterval: 1 },
      series: AGE_BUCKETS.map((b, i) => ({ name: L.ages[i], type: 'bar', stack: 'age', data: rows.map((r) => r[b]) })),
    };
  }, [data, L, t]);

  const throughputChart = useMemo(() => {
    const rows = data?.throughput.rows ?? [];
    return {
      tooltip: { trigger: 'axis' },
      legend: { data: L.flows, top: 0 },
      grid: { left: 48, right: 16, top: 48, bottom: 32 },
      xAxis: { type: 'category', data: rows.map((r) => r.period) },
      yAxis: { type: 'value', minInterval: 1 },
      series: FLOWS.map((f, i) => ({ name: L.flows[i], type: 'line', smooth: true, data: rows.map((r) => r[f]) })),
    };
  }, [data, L]);

  const satisfactionChart = useMemo(() => {
    const total = data?.satisfaction.total;
    return {
      tooltip: { trigger: 'item' },
      legend: { bottom: 0 },
      series: [
        {
          type: 'pie',
          radius: ['40%', '70%'],
          // No ratings yet: an empty ring, not five equal slices of nothing.
          stillShowZeroSum: false,
          data: total?.evaluations
            ? L.scores.map((name, i) => ({ name, value: total[`score${i + 1}` as 'score1'] ?? 0 }))
            : [],
        },
      ],
    };
  }, [data, L]);

  const allQuery = { ...period, ...scope };
  const sat = data?.satisfaction.total;
  return (
    <div data-testid="dashboard">
      <PageHeader title={t('manager.dashboard')} />
      <Card style={{ marginBottom: 16 }}>
        <Space wrap>
          <DatePicker.RangePicker
            aria-label={L.range}
            value={range}
            allowClear={false}
            onChange={(v) => v && v[0] && v[1] && setRange([v[0], v[1]])}
            data-testid="report-range"
          />
          <Select
            allowClear
            placeholder={L.hall}
            aria-label={L.hall}
            style={{ width: 180 }}
            value={filters.hallCode}
            onChange={(v) => setFilters((f) => ({ ...f, hallCode: v }))}
            options={Object.entries(names.halls).map(([code, name]) => ({ value: code, label: name }))}
          />
          <Select
            allowClear
            placeholder={L.department}
            aria-label={L.department}
            style={{ width: 180 }}
            value={filters.departmentCode}
            onChange={(v) => setFilters((f) => ({ ...f, departmentCode: v }))}
            options={Object.entries(names.departments).map(([code, name]) => ({ value: code, label: name }))}
          />
          <Select
            allowClear
            placeholder={L.item}
            aria-label={L.item}
            style={{ width: 200 }}
            value={filters.itemCode}
            onChange={(v) => setFilters((f) => ({ ...f, itemCode: v }))}
            options={Object.entries(names.items).map(([code, name]) => ({ value: code, label: name }))}
          />
        </Space>
      </Card>
      {error}
      {data && <FreshnessNote value={data.turnaround.freshness} />}
      <Row gutter={[16, 16]}>
        <Col xs={24}>
          <Card
            title={L.turnaround}
            loading={loading && !data}
            extra={
              <Space wrap>
                <Select
                  value={groupBy}
                  onChange={setGroupBy}
                  aria-label={L.key}
                  style={{ width: 140 }}
                  data-testid="turnaround-group"
                  options={GROUPS.map((g) => ({ value: g, label: L.groups[g] }))}
                />
                <Downloads report="turnaround" query={{ ...allQuery, groupBy }} />
              </Space>
            }
          >
            <Chart option={turnaroundChart} testId="chart-turnaround" label={L.turnaround} />
            <ScrollRegion label={L.turnaround}>
              <Table
                size="small"
                rowKey="key"
                pagination={false}
                data-testid="table-turnaround"
                // On a phone the table scrolls sideways inside its card; its headings stay on one line.
                scroll={{ x: 'max-content' }}
                dataSource={data?.turnaround.rows ?? []}
                onRow={(r) => ({ 'data-testid': `turnaround-row-${r.key}` }) as React.HTMLAttributes<HTMLElement>}
                columns={[
                  { title: L.key, dataIndex: 'key', render: (k: string) => keyName(k) },
                  {
                    title: L.completed,
                    dataIndex: 'completed',
                    render: (v: number) => <span data-testid="cell-completed">{v}</span>,
                  },
                  {
                    title: L.onTime,
                    dataIndex: 'onTime',
                    render: (v: number) => <span data-testid="cell-onTime">{v}</span>,
                  },
                  {
                    title: L.onTimeRate,
                    dataIndex: 'onTimeRate',
                    render: (v: number | null) => <span data-testid="cell-onTimeRate">{percent(v)}</span>,
                  },
                  {
                    title: L.legalOnTimeRate,
                    dataIndex: 'legalOnTimeRate',
                    render: (v: number | null) => <span data-testid="cell-legalOnTimeRate">{percent(v)}</span>,
                  },
                  {
                    title: L.mean,
                    dataIndex: 'meanWorkingHours',
                    render: (v: number | null) => <span data-testid="cell-mean">{hours(v)}</span>,
                  },
                  {
                    title: L.median,
                    dataIndex: 'medianWorkingHours',
                    render: (v: number | null) => <span data-testid="cell-median">{hours(v)}</span>,
                  },
                  {
                    title: L.p90,
                    dataIndex: 'p90WorkingHours',
                    render: (v: number | null) => <span data-testid="cell-p90">{hours(v)}</span>,
                  },
                ]}
              />
            </ScrollRegion>
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card title={L.backlog} extra={<Downloads report="backlog" query={scope} />} loading={loading && !data}>
            <Chart option={backlogChart} testId="chart-backlog" label={L.backlog} />
            <ScrollRegion label={L.backlog}>
              <Table
                size="small"
                rowKey="status"
                pagination={false}
                data-testid="table-backlog"
                // On a phone the table scrolls sideways inside its card; its headings stay on one line.
                scroll={{ x: 'max-content' }}
                dataSource={data?.backlog.rows ?? []}
                onRow={(r) => ({ 'data-testid': `backlog-row-${r.status}` }) as React.HTMLAttributes<HTMLElement>}
                columns={[
                  { title: L.status, dataIndex: 'status', render: (s: string) => t(dynamicKey(`status.request.${s}`)) },
                  {
                    title: L.total,
                    dataIndex: 'total',
                    render: (v: number) => <span data-testid="cell-total">{v}</span>,
                  },
                  ...AGE_BUCKETS.map((b, i) => ({
                    title: L.ages[i],
                    dataIndex: b,
                    render: (v: number) => <span data-testid={`cell-${b}`}>{v}</span>,
                  })),
                ]}
              />
            </ScrollRegion>
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card
            title={L.satisfaction}
            extra={<Downloads report="satisfaction" query={allQuery} />}
            loading={loading && !data}
            data-testid="satisfaction"
          >
            <Chart option={satisfactionChart} testId="chart-satisfaction" label={L.satisfaction} height={220} />
            <Row gutter={8}>
              <Col span={8}>
                <Statistic title={L.evaluations} value={sat?.evaluations ?? 0} data-testid="stat-evaluations" />
              </Col>
              <Col span={8}>
                <Statistic
                  title={L.meanScore}
                  value={sat?.meanScore ?? '—'}
                  precision={2}
                  data-testid="stat-meanScore"
                />
              </Col>
              <Col span={8}>
                <Statistic
                  title={L.badReviewRate}
                  value={percent(sat?.badReviewRate)}
                  data-testid="stat-badReviewRate"
                />
              </Col>
              <Col span={8}>
                <Statistic
                  title={L.followUpsOpened}
                  value={sat?.followUpsOpened ?? 0}
                  data-testid="stat-followUpsOpened"
                />
              </Col>
              <Col span={8}>
                <Statistic
                  title={L.followUpsClosed}
                  value={sat?.followUpsClosed ?? 0}
                  data-testid="stat-followUpsClosed"
                />
              </Col>
              <Col span={8}>
                <Statistic
                  title={L.followUpsOverdue}
                  value={sat?.followUpsOverdue ?? 0}
                  data-testid="stat-followUpsOverdue"
                />
              </Col>
            </Row>
          </Card>
        </Col>
        <Col xs={24}>
          <Card
            title={L.throughput}
            loading={loading && !data}
            extra={
              <Space wrap>
                <Radio.Group
                  value={interval}
                  onChange={(e) => setInterval(e.target.value as 'day' | 'week')}
                  aria-label={L.period}
                >
                  <Radio.Button value="day">{L.day}</Radio.Button>
                  <Radio.Button value="week">{L.week}</Radio.Button>
                </Radio.Group>
                <Downloads report="throughput" query={{ ...allQuery, interval }} />
              </Space>
            }
          >
            <Chart option={throughputChart} testId="chart-throughput" label={L.throughput} />
            <ScrollRegion label={L.throughput}>
              <Table
                size="small"
                rowKey="period"
                pagination={{ pageSize: 7 }}
                data-testid="table-throughput"
                // On a phone the table scrolls sideways inside its card; its headings stay on one line.
                scroll={{ x: 'max-content' }}
                dataSource={[...(data?.throughput.rows ?? [])].reverse()}
                onRow={(r) => ({ 'data-testid': `throughput-row-${r.period}` }) as React.HTMLAttributes<HTMLElement>}
                columns={[
                  { title: L.period, dataIndex: 'period' },
                  ...FLOWS.map((f, i) => ({
                    title: L.flows[i],
                    dataIndex: f,
                    render: (v: number) => <span data-testid={`cell-${f}`}>{v}</span>,
                  })),
                ]}
              />
            </ScrollRegion>
          </Card>
        </Col>
      </Row>
    </div>
  );
}
