import { DownloadOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  List,
  Result,
  Row,
  Space,
  Spin,
  Table,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { api, download, errorText, type RequestView, type Schemas, unwrap } from '../api/client';
import { PageHeader, SlaLight, StatusTag, Time } from '../components/bits';
import { named, useNames } from '../components/names';
import { useLoad } from '../components/useLoad';
import { dynamicKey, useT } from '../i18n';
import { LiveMark, useLiveReload } from '../live';
import type { MessageKey } from '../locales/zh-CN';
import { ActionButton, type ChecklistEntry } from './actions';
import { formProperties } from './applicant/Apply';
import { LicenceStatusTag } from './licences/LicenceStatusTag';

type Step = Schemas['StepDto'];
type TimelineEvent = Schemas['TimelineEventDto'];

export function RequestPage() {
  const { id = '' } = useParams();
  const t = useT();
  const { message } = App.useApp();
  const names = useNames();
  const [view, setView] = useState<RequestView | null>(null);
  const [events, setEvents] = useState<TimelineEvent[]>([]);
  const [checklist, setChecklist] = useState<ChecklistEntry[]>([]);
  const [item, setItem] = useState<Schemas['PublishedItemDto'] | null>(null);
  const { loading, error, status, reload } = useLoad(async () => {
    const [request, timeline] = await Promise.all([
      api.GET('/api/v1/requests/{id}', { params: { path: { id } } }),
      api.GET('/api/v1/requests/{id}/timeline', { params: { path: { id }, query: { limit: 100 } } }),
    ]);
    const loaded = unwrap(request);
    setView(loaded);
    setEvents(unwrap(timeline).items);
    return loaded;
  }, [id]);
  // Another session (a clerk, an approver, the applicant) changed this request: show it as it is now.
  const live = useLiveReload(reload, (notice) => notice.requestId === id);

  useEffect(() => {
    if (!view) return;
    void api.GET('/api/v1/items/{code}', { params: { path: { code: view.itemCode } } }).then((r) => {
      setChecklist(r.data?.checklist ?? []);
      setItem(r.data ?? null);
    });
  }, [view?.itemCode]); // eslint-disable-line react-hooks/exhaustive-deps

  if (status === 404)
    return (
      <Result status="404" title="404" subTitle={<span data-testid="request-not-found">{t('common.notFound')}</span>} />
    );
  if (!view) return loading ? <Spin /> : <>{error}</>;

  const done = (next: RequestView | null) => {
    if (next) setView(next);
    reload();
  };
  const target = { request: view, checklist, item };
  const materialName = (code: string) => checklist.find((c) => c.code === code)?.name ?? code;
  const stepName = (key: string) => view.steps.find((s) => s.key === key)?.matterName ?? key;

  return (
    <div data-testid="request-page" data-status={view.status}>
      <PageHeader
        title={
          <Space wrap>
            <span data-testid="request-number">{view.number}</span>
            <StatusTag status={view.status} />
            <LiveMark state={live} />
          </Space>
        }
        extra={
          <Space wrap data-testid="request-actions">
            {view.allowedActions.map((action) => (
              <ActionButton key={action} action={action} target={target} onDone={done} />
            ))}
          </Space>
        }
      />
      {error}
      {view.supplement ? (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          data-testid="supplement-notice"
          title={`${t('request.supplement')}${t('p.open')}${t(`request.supplement.stage.${view.supplement.stage}` as MessageKey)}${t('p.close')}`}
          description={
            <>
              <div>{view.supplement.materials.map((c) => `${materialName(c)}（${c}）`).join('、')}</div>
              <div>
                {t('common.note')}
                {t('p.colon')}
                {view.supplement.note}
              </div>
            </>
          }
        />
      ) : null}
      {view.outcomeReason ? (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 16 }}
          title={t('request.outcomeReason')}
          description={view.outcomeReason}
          data-testid="outcome-reason"
        />
      ) : null}
      <Card style={{ marginBottom: 16 }}>
        <Descriptions column={{ xs: 1, sm: 2, lg: 3 }} size="small">
          <Descriptions.Item label={t('request.item')}>
            {named(names.items, view.itemCode)} · v{view.itemVersion}
          </Descriptions.Item>
          <Descriptions.Item label={t('request.company')}>{view.companyUscc}</Descriptions.Item>
          <Descriptions.Item label={t('request.hall')}>{named(names.halls, view.hallCode)}</Descriptions.Item>
          {view.takenInAt ? (
            <Descriptions.Item label={t('request.takenInAt')}>
              <span data-testid="request-taken-in-at">{named(names.halls, view.takenInAt)}</span>
            </Descriptions.Item>
          ) : null}
          {/* Before acceptance the clock is the hall's time to decide on intake (受理时限), then the request's own. */}
          <Descriptions.Item label={t(view.acceptedAt ? 'request.sla.request' : 'request.sla.intake')}>
            <SlaLight sla={view.sla} />
          </Descriptions.Item>
          <Descriptions.Item label={t('request.submittedAt')}>
            <Time value={view.submittedAt} />
          </Descriptions.Item>
          <Descriptions.Item label={t('request.acceptedAt')}>
            <Time value={view.acceptedAt} />
          </Descriptions.Item>
          <Descriptions.Item label={t('request.endedAt')}>
            <Time value={view.endedAt} />
          </Descriptions.Item>
          {view.onBehalfOf ? (
            <Descriptions.Item label={t('request.onBehalfOf')}>{view.onBehalfOf}</Descriptions.Item>
          ) : null}
        </Descriptions>
      </Card>

      <FormAnswers form={view.form} item={item} />

      <Card title={t('request.steps')} style={{ marginBottom: 16 }}>
        <Table<Step>
          rowKey="key"
          size="small"
          pagination={false}
          data-testid="steps"
          dataSource={view.steps}
          scroll={{ x: 900 }}
          onRow={(s) =>
            ({ 'data-testid': `step-${s.key}`, 'data-status': s.status }) as React.HTMLAttributes<HTMLElement>
          }
          columns={[
            {
              title: t('request.matter'),
              dataIndex: 'matterName',
              render: (name: string, s) => (
                <Space direction="vertical" size={0}>
                  <span title={s.key}>{name}</span>
                  {s.dependsOn.length ? (
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {t('request.after', { names: s.dependsOn.map(stepName).join('、') })}
                    </Typography.Text>
                  ) : null}
                </Space>
              ),
            },
            {
              title: t('request.department'),
              dataIndex: 'departmentCode',
              render: (c: string) => named(names.departments, c),
            },
            {
              title: t('request.status'),
              dataIndex: 'status',
              render: (s: string) => <StatusTag status={s} kind="step" />,
            },
            { title: t('request.sla'), dataIndex: 'sla', render: (_: unknown, s) => <SlaLight sla={s.sla} compact /> },
            {
              title: t('request.decision'),
              dataIndex: 'note',
              render: (n: string | null, s) => (n ? n : s.output ? s.output.number : '—'),
            },
            {
              title: t('common.actions'),
              key: 'actions',
              // Kept in sight on a phone, where the table scrolls sideways under it.
              fixed: 'right',
              render: (_: unknown, s) => (
                <Space wrap>
                  {s.allowedActions.map((action) => (
                    <ActionButton key={action} action={action} target={{ ...target, stepKey: s.key }} onDone={done} />
                  ))}
                </Space>
              ),
            },
          ]}
        />
      </Card>

      <Row gutter={16}>
        <Col xs={24} lg={12}>
          <Card title={t('request.outputs')} style={{ marginBottom: 16 }} data-testid="outputs">
            {view.outputs.length === 0 ? (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />
            ) : (
              <List
                dataSource={view.outputs}
                renderItem={(o) => (
                  <List.Item data-testid={`output-${o.stepKey}`}>
                    <List.Item.Meta
                      title={`${o.name}${t('p.open')}${outputKindText(t, o.kind)}${t('p.close')}`}
                      description={
                        <Space direction="vertical" size={0}>
                          <Time value={o.issuedAt} />
                          {o.licence ? (
                            <span data-testid={`output-licence-${o.stepKey}`} data-status={o.licence.status}>
                              <Link to={`/licences/${o.licence.id}`} data-testid={`output-licence-open-${o.stepKey}`}>
                                {t('licence.open')}
                              </Link>{' '}
                              <LicenceStatusTag status={o.licence.status} /> {t('licence.verificationCode')}
                              {t('p.colon')}
                              <Typography.Text code copyable>
                                {o.licence.verificationCode}
                              </Typography.Text>
                              {o.licence.validUntil ? (
                                <>
                                  {' '}
                                  {t('licence.validUntil')} <Time value={o.licence.validUntil} />
                                </>
                              ) : null}
                            </span>
                          ) : null}
                        </Space>
                      }
                    />
                    <Typography.Text strong copyable>
                      {o.number}
                    </Typography.Text>
                  </List.Item>
                )}
              />
            )}
          </Card>
          <Card title={t('common.materials')} style={{ marginBottom: 16 }}>
            <List
              size="small"
              dataSource={view.materials}
              renderItem={(m) => (
                <List.Item
                  extra={
                    m.fileId ? (
                      <Button
                        size="small"
                        icon={<DownloadOutlined />}
                        data-testid={`material-file-${m.code}`}
                        onClick={() =>
                          void download(`/api/v1/requests/${view.id}/files/${m.fileId}/content`, {}, m.reference).catch(
                            (e: unknown) => message.error(errorText(e)),
                          )
                        }
                      >
                        {t('request.openFile')}
                      </Button>
                    ) : null
                  }
                >
                  {materialName(m.code)}（{m.code}）<Typography.Text type="secondary">{m.reference}</Typography.Text>
                  {m.licence ? (
                    <Tag color="blue" style={{ marginLeft: 8 }} data-testid={`material-licence-${m.code}`}>
                      {t('request.standIn', { name: m.licence.name, number: m.licence.number })}
                    </Tag>
                  ) : null}
                </List.Item>
              )}
            />
            {view.deferredMaterials.length ? (
              <>
                <Typography.Title level={5}>{t('request.deferred')}</Typography.Title>
                <List
                  size="small"
                  data-testid="deferred-materials"
                  dataSource={view.deferredMaterials}
                  renderItem={(d) => (
                    <List.Item>
                      {materialName(d.code)}（{d.code}） {t('request.deferred.due')} <Time value={d.dueAt} />{' '}
                      {d.suppliedAt ? <Tag color="success">{t('request.deferred.supplied')}</Tag> : null}
                    </List.Item>
                  )}
                />
              </>
            ) : null}
          </Card>
          {view.extension || view.specialProcedures.length ? (
            <Card title={`${t('request.extension')} / ${t('request.specialProcedures')}`} style={{ marginBottom: 16 }}>
              {view.extension ? (
                <p data-testid="extension">
                  {t('request.extension')}
                  {t('p.colon')}
                  {view.extension.workingDays} · {view.extension.reason} · <Time value={view.extension.grantedAt} />
                </p>
              ) : null}
              {view.specialProcedures.map((p) => (
                <p key={p.id} data-testid="special-procedure">
                  {t('action.special-procedure')}
                  {t('p.colon')}
                  {stepName(p.stepKey)} · {p.reason} · <Time value={p.startedAt} /> →{' '}
                  {t('request.specialProcedure.endsAt')} <Time value={p.endsAt} /> ·{' '}
                  {t('request.specialProcedure.startedBy')} {p.startedBy.username} ·{' '}
                  {t('request.specialProcedure.endedAt')}{' '}
                  {p.endedAt ? <Time value={p.endedAt} /> : t('request.specialProcedure.running')}
                  {p.endedBy ? ` · ${t('request.specialProcedure.endedBy')} ${p.endedBy.username}` : ''}
                </p>
              ))}
            </Card>
          ) : null}
          {view.evaluation ? (
            <Card title={t('request.evaluation')} style={{ marginBottom: 16 }} data-testid="evaluation">
              <p>
                {t('request.score')}
                {t('p.colon')}
                {view.evaluation.score}
                {t('p.open')}
                {t(`score.${view.evaluation.score}` as MessageKey)}
                {t('p.close')}
                {view.evaluation.comment ? ` · ${view.evaluation.comment}` : ''}
              </p>
              {view.evaluation.followUp ? (
                <Space direction="vertical" data-testid="follow-up">
                  <Space>
                    {t('request.followUp')}
                    {t('p.colon')}
                    <StatusTag status={view.evaluation.followUp.status} kind="followUp" />
                    <SlaLight sla={view.evaluation.followUp.sla} compact />
                  </Space>
                  {view.evaluation.followUp.verifyNote ? <span>{view.evaluation.followUp.verifyNote}</span> : null}
                  {view.evaluation.followUp.rectifyNote ? <span>{view.evaluation.followUp.rectifyNote}</span> : null}
                  {view.evaluation.followUp.feedback ? <span>{view.evaluation.followUp.feedback}</span> : null}
                </Space>
              ) : null}
            </Card>
          ) : null}
        </Col>
        <Col xs={24} lg={12}>
          <Card title={t('request.timeline')} data-testid="timeline">
            <Timeline
              items={events.map((e) => ({
                key: e.id,
                content: (
                  <>
                    <Typography.Text strong title={e.action}>
                      {t(dynamicKey(`event.${e.action}`)).replace(/^event\./, '')}
                    </Typography.Text>{' '}
                    {typeof e.payload?.stepKey === 'string' ? (
                      <Tag title={e.payload.stepKey}>{stepName(e.payload.stepKey)}</Tag>
                    ) : null}
                    {e.payload?.formCorrected === true ? (
                      <Tag color="blue" data-testid="timeline-form-corrected">
                        {t('request.formCorrected', {
                          fields: Array.isArray(e.payload.formFields) ? e.payload.formFields.join('、') : '',
                        })}
                      </Tag>
                    ) : null}
                    {typeof e.payload?.takenInAt === 'string' && typeof e.payload.handedTo === 'string' ? (
                      <span data-testid="timeline-handed-over">
                        {t('request.handedOver', {
                          from: named(names.halls, e.payload.takenInAt),
                          to: named(names.halls, e.payload.handedTo),
                        })}{' '}
                      </span>
                    ) : null}
                    {e.statusTo ? (
                      <StatusTag
                        status={e.statusTo}
                        kind={
                          e.action.startsWith('step.')
                            ? 'step'
                            : e.action.startsWith('follow-up.')
                              ? 'followUp'
                              : 'request'
                        }
                      />
                    ) : null}
                    <div>
                      <Time value={e.occurredAt} /> · {e.actor?.username ?? t(dynamicKey('common.none'))}
                      {e.actor?.role ? `${t('p.open')}${t(`role.${e.actor.role}` as MessageKey)}${t('p.close')}` : ''}
                    </div>
                  </>
                ),
              }))}
            />
            <Link to="/requests">{t('common.back')}</Link>
          </Card>
        </Col>
      </Row>
    </div>
  );
}

/** An output's kind in words where the console knows it (证照, 证明, …), else its code as the catalogue gave it. */
function outputKindText(t: ReturnType<typeof useT>, kind: string): string {
  const text = t(dynamicKey(`outputKind.${kind}`));
  return text.startsWith('outputKind.') ? kind : text;
}

/** What the applicant filled in (一张表单), labelled as the item's form labels it, for everyone who handles the request. */
function FormAnswers({ form, item }: { form: Record<string, unknown>; item: Schemas['PublishedItemDto'] | null }) {
  const t = useT();
  const titles = new Map(formProperties(item, t).map(([name, p]) => [name, p.title ?? name]));
  // The form's own order first, then any answer the item's current form no longer names.
  const names = [
    ...[...titles.keys()].filter((name) => name in form),
    ...Object.keys(form).filter((name) => !titles.has(name)),
  ];
  const labelOf = (name: string) => titles.get(name) ?? name;
  return (
    <Card title={t('request.form')} style={{ marginBottom: 16 }} data-testid="request-form">
      {names.length === 0 ? (
        <Typography.Text type="secondary">{t('request.formEmpty')}</Typography.Text>
      ) : (
        <Descriptions column={{ xs: 1, sm: 2, lg: 3 }} size="small">
          {names.map((name) => (
            <Descriptions.Item key={name} label={labelOf(name)}>
              <span data-testid={`request-form-${name}`} style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
                {answerText(form[name])}
              </span>
            </Descriptions.Item>
          ))}
        </Descriptions>
      )}
    </Card>
  );
}

function answerText(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}
