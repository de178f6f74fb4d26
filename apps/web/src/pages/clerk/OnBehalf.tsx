import { Alert, App, Button, Card, Form, Input, Select, Space, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { api, errorText, newIdempotencyKey, type Schemas, unwrap } from '../../api/client';
import { PageHeader } from '../../components/bits';
import { normaliseUscc, usccProblem } from '../../components/uscc';
import { listAll } from '../../components/names';
import { useLoad } from '../../components/useLoad';
import { useT } from '../../i18n';
import { FormFields, MaterialFields, materialsFrom, useCoverage } from '../applicant/Apply';

type Item = Schemas['PublishedItemDto'];

/** 帮办代办: the clerk finds the company by its USCC (checked as typed) and applies for it. */
export function OnBehalf() {
  const t = useT();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [uscc, setUscc] = useState('');
  const [company, setCompany] = useState<Schemas['CompanyDto'] | null>(null);
  const [lookup, setLookup] = useState<string | null>(null);
  const [itemCode, setItemCode] = useState<string | undefined>();
  const [item, setItem] = useState<Item | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const key = useMemo(newIdempotencyKey, [company?.uscc, itemCode]);
  const covered = useCoverage(company ? itemCode : undefined, company?.uscc);
  const { data: items } = useLoad(() => listAll('/api/v1/items'), []);

  const code = normaliseUscc(uscc);
  const problem = code.length === 0 ? null : usccProblem(code);

  const find = async () => {
    setLookup(null);
    setCompany(null);
    const result = await api.GET('/api/v1/companies/{uscc}', { params: { path: { uscc: code } } });
    if (result.data) setCompany(result.data);
    else setLookup(result.response.status === 404 ? t('clerk.companyNotFound') : errorText(result.error));
  };
  const chooseItem = async (next: string) => {
    setItemCode(next);
    setItem(unwrap(await api.GET('/api/v1/items/{code}', { params: { path: { code: next } } })));
  };
  const submit = async (values: {
    form?: Record<string, unknown>;
    materials?: Record<string, string>;
    files?: Record<string, string>;
  }) => {
    if (!company || !item) return;
    setBusy(true);
    setFailure(null);
    try {
      const form = Object.fromEntries(Object.entries(values.form ?? {}).filter(([, v]) => v !== undefined && v !== ''));
      const created = unwrap(
        await api.POST('/api/v1/requests', {
          params: { header: { 'Idempotency-Key': key } },
          body: { itemCode: item.code, onBehalfOf: company.uscc, form, materials: materialsFrom(values) },
        }),
      );
      message.success(t('applicant.applied', { number: created.number }));
      navigate(`/requests/${created.id}`);
    } catch (e) {
      setFailure(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageHeader title={t('clerk.onBehalf')} />
      <Space direction="vertical" style={{ width: '100%' }} size={16}>
        <Card>
          <Form layout="vertical" style={{ maxWidth: 520 }}>
            <Form.Item
              label={t('clerk.uscc')}
              htmlFor="uscc"
              validateStatus={problem ? 'error' : code.length === 18 ? 'success' : undefined}
              help={
                problem === 'check'
                  ? t('clerk.usccInvalid')
                  : problem === 'format'
                    ? t('clerk.usccFormat')
                    : code.length === 18
                      ? t('clerk.usccOk')
                      : undefined
              }
            >
              <Space.Compact style={{ width: '100%' }}>
                <Input
                  id="uscc"
                  value={uscc}
                  onChange={(e) => setUscc(e.target.value)}
                  maxLength={24}
                  data-testid="uscc-input"
                />
                <Button
                  type="primary"
                  disabled={code.length !== 18 || problem !== null}
                  onClick={() => void find()}
                  data-testid="uscc-find"
                >
                  {t('common.view')}
                </Button>
              </Space.Compact>
            </Form.Item>
          </Form>
          {lookup ? <Alert type="warning" showIcon title={lookup} data-testid="company-lookup" /> : null}
          {company ? (
            <Typography.Paragraph data-testid="company-found">
              {company.name}（{company.uscc}）
            </Typography.Paragraph>
          ) : null}
        </Card>
        {company ? (
          <Card>
            <Form
              layout="vertical"
              onFinish={(v) => void submit(v)}
              style={{ maxWidth: 640 }}
              data-testid="on-behalf-form"
            >
              <Form.Item label={t('request.item')} required>
                <Select
                  value={itemCode}
                  onChange={(v: string) => void chooseItem(v)}
                  aria-label={t('request.item')}
                  data-testid="on-behalf-item"
                  showSearch={{ optionFilterProp: 'label' }}
                  options={(items ?? []).map((i) => ({ value: i.code, label: `${i.name}（${i.code}）` }))}
                />
              </Form.Item>
              {item ? (
                <>
                  <FormFields item={item} />
                  <MaterialFields item={item} companyUscc={company?.uscc} covered={covered} />
                </>
              ) : null}
              {failure ? (
                <Alert type="error" showIcon title={failure} style={{ marginBottom: 16 }} data-testid="apply-error" />
              ) : null}
              <Button type="primary" htmlType="submit" loading={busy} disabled={!item} data-testid="on-behalf-submit">
                {t('common.submit')}
              </Button>
            </Form>
          </Card>
        ) : null}
      </Space>
    </>
  );
}
