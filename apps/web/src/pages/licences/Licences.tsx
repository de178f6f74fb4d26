import { App, Button, Form, Input, Modal, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api, errorText, type Schemas, unwrap } from '../../api/client';
import { useSession } from '../../auth';
import { PageHeader, Time } from '../../components/bits';
import { named, useNames } from '../../components/names';
import { normaliseUscc, usccProblem } from '../../components/uscc';
import { useLoad } from '../../components/useLoad';
import { useT } from '../../i18n';
import { LicenceStatusTag } from './LicenceStatusTag';

type Licence = Schemas['LicenceDto'];

/** 撤销: the issuing department's approver gives the reason; the holder is told. */
function RevokeButton({ licence, onDone }: { licence: Licence; onDone: () => void }) {
  const t = useT();
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const submit = async ({ reason }: { reason: string }) => {
    setBusy(true);
    setFailure(null);
    try {
      unwrap(
        await api.POST('/api/v1/licences/{licenceId}/revoke', {
          params: { path: { licenceId: licence.id } },
          body: { reason },
        }),
      );
      message.success(t('licence.revoked', { number: licence.number }));
      setOpen(false);
      onDone();
    } catch (e) {
      setFailure(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button danger size="small" onClick={() => setOpen(true)} data-testid={`licence-revoke-${licence.number}`}>
        {t('licence.revoke')}
      </Button>
      <Modal
        open={open}
        title={`${t('licence.revoke')}${t('p.colon')}${licence.name} ${licence.number}`}
        onCancel={() => setOpen(false)}
        footer={null}
        destroyOnHidden
      >
        <Form layout="vertical" onFinish={(v: { reason: string }) => void submit(v)} data-testid="form-revoke">
          <Form.Item
            name="reason"
            label={t('licence.revokeReason')}
            rules={[{ required: true, whitespace: true, message: t('licence.revokeReason') }]}
          >
            <Input.TextArea maxLength={1000} showCount data-testid="field-reason" />
          </Form.Item>
          {failure ? (
            <Typography.Paragraph type="danger" data-testid="action-error">
              {failure}
            </Typography.Paragraph>
          ) : null}
          <Button type="primary" danger htmlType="submit" loading={busy} data-testid="modal-submit">
            {t('licence.revoke')}
          </Button>
        </Form>
      </Modal>
    </>
  );
}

/**
 * 电子证照: an applicant sees the company's licences; the hall, the departments and managers find a
 * company's by its USCC, and the issuing department's approver revokes one.
 */
export function Licences() {
  const t = useT();
  const { user } = useSession();
  const names = useNames();
  const applicant = user?.role === 'applicant';
  const [uscc, setUscc] = useState('');
  const [query, setQuery] = useState<string | undefined>(undefined);
  const [reload, setReload] = useState(0);
  const { data, loading, error } = useLoad(
    async () => unwrap(await api.GET('/api/v1/licences', { params: { query: { uscc: query, limit: 100 } } })),
    [query, reload],
  );
  const typed = normaliseUscc(uscc);
  const problem = typed.length === 0 ? null : usccProblem(typed);
  return (
    <>
      <PageHeader title={applicant ? t('licence.mine') : t('licence.title')} />
      {applicant ? null : (
        <Space.Compact style={{ marginBottom: 16, width: '100%', maxWidth: 400 }}>
          <Input
            value={uscc}
            onChange={(e) => setUscc(e.target.value)}
            onPressEnter={() => setQuery(typed || undefined)}
            placeholder={t('licence.usccHelp')}
            status={problem ? 'error' : undefined}
            data-testid="licence-uscc"
          />
          <Button onClick={() => setQuery(typed || undefined)} disabled={Boolean(problem)} data-testid="licence-find">
            {t('licence.find')}
          </Button>
        </Space.Compact>
      )}
      {error}
      <Table<Licence>
        rowKey="id"
        loading={loading}
        data-testid="licences"
        dataSource={data?.items ?? []}
        pagination={false}
        size="small"
        // On a phone the table scrolls sideways; numbers and codes stay on one line to be read and copied.
        scroll={{ x: 'max-content' }}
        onRow={(l) => ({ 'data-testid': `licence-row-${l.number}` }) as object}
        columns={[
          {
            title: t('licence.name'),
            render: (_, l) => (
              <Link to={`/licences/${l.id}`} data-testid={`licence-open-${l.number}`}>
                {l.name}
              </Link>
            ),
          },
          {
            title: t('licence.number'),
            render: (_, l) => (
              <Typography.Text copyable strong style={{ whiteSpace: 'nowrap' }}>
                {l.number}
              </Typography.Text>
            ),
          },
          ...(applicant
            ? []
            : [
                {
                  title: t('licence.holder'),
                  render: (_: unknown, l: Licence) => `${l.holderName}（${l.holderUscc}）`,
                },
              ]),
          { title: t('licence.department'), render: (_, l) => named(names.departments, l.departmentCode) },
          { title: t('licence.issuedAt'), render: (_, l) => <Time value={l.issuedAt} /> },
          {
            title: t('licence.validUntil'),
            render: (_, l) => (l.validUntil ? <Time value={l.validUntil} /> : t('licence.noEnd')),
          },
          { title: t('licence.statusTitle'), render: (_, l) => <LicenceStatusTag status={l.status} /> },
          {
            title: t('licence.verificationCode'),
            render: (_, l) => (
              <Typography.Text code copyable style={{ whiteSpace: 'nowrap' }}>
                {l.verificationCode}
              </Typography.Text>
            ),
          },
          ...(user?.role === 'approver'
            ? [
                {
                  title: '',
                  render: (_: unknown, l: Licence) =>
                    l.status !== 'revoked' && l.departmentCode === user.departmentCode ? (
                      <RevokeButton licence={l} onDone={() => setReload((n) => n + 1)} />
                    ) : null,
                },
              ]
            : []),
        ]}
      />
    </>
  );
}
