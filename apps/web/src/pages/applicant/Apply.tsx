import { UploadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Form, Input, InputNumber, Select, Space, Tag, Typography, Upload } from 'antd';
import type { Rule } from 'antd/es/form';
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { api, errorText, newIdempotencyKey, type Schemas, unwrap, uploadFile } from '../../api/client';
import { PageHeader } from '../../components/bits';
import { useLoad } from '../../components/useLoad';
import { useT } from '../../i18n';
import { Checklist, useLimitText } from './Catalogue';

type Item = Schemas['PublishedItemDto'];

interface SchemaProperty {
  type?: string;
  title?: string;
  description?: string;
  enum?: unknown[];
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
}

/** The rules the api checks, checked as the person types too (the api's answer stays the last word). */
function rulesOf(p: SchemaProperty, required: boolean, t: ReturnType<typeof useT>): Rule[] {
  const field = p.title ?? '';
  const rules: Rule[] = [{ required, message: t('form.required', { field }) }];
  if (p.minLength !== undefined || p.maxLength !== undefined) rules.push({ min: p.minLength, max: p.maxLength });
  // Said in words: the person is not shown the schema's regular expression.
  if (p.pattern) rules.push({ pattern: new RegExp(p.pattern, 'u'), message: t('form.pattern', { field }) });
  if (p.type === 'number' || p.type === 'integer') {
    rules.push({ type: 'number', min: p.minimum, max: p.maximum });
    if (p.exclusiveMinimum !== undefined) {
      const above = p.exclusiveMinimum;
      rules.push({
        validator: (_, value: unknown) =>
          value === undefined || value === null || Number(value) > above
            ? Promise.resolve()
            : Promise.reject(new Error(`> ${above}`)),
      });
    }
  }
  return rules;
}

/** The input a property asks for: a choice for an enum, a number, a long text, or a line. */
function inputOf(name: string, p: SchemaProperty) {
  if (Array.isArray(p.enum)) {
    return (
      <Select
        data-testid={`form-${name}`}
        style={{ maxWidth: 320 }}
        options={p.enum.map((v) => ({ value: v as string, label: String(v) }))}
      />
    );
  }
  if (p.type === 'number' || p.type === 'integer') {
    return (
      <InputNumber
        min={p.minimum}
        max={p.maximum}
        precision={p.type === 'integer' ? 0 : undefined}
        style={{ width: 200 }}
        data-testid={`form-${name}`}
      />
    );
  }
  if ((p.maxLength ?? 0) > 100) {
    return <Input.TextArea maxLength={p.maxLength} showCount autoSize={{ minRows: 2 }} data-testid={`form-${name}`} />;
  }
  return <Input maxLength={p.maxLength} data-testid={`form-${name}`} />;
}

/**
 * The item's form's top-level properties in its order; an item without a form schema (formSchema
 * null) still asks for who to contact. What the apply page asks and the request page labels.
 */
export function formProperties(item: Item | null | undefined, t: ReturnType<typeof useT>): [string, SchemaProperty][] {
  const declared = Object.entries(schemaOf(item).properties ?? {});
  return declared.length > 0
    ? declared
    : [
        ['contactName', { type: 'string', title: t('applicant.contactName'), maxLength: 50 }],
        ['contactPhone', { type: 'string', title: t('applicant.contactPhone'), maxLength: 20 }],
        ['remark', { type: 'string', title: t('applicant.remark'), maxLength: 200 }],
      ];
}

const schemaOf = (item: Item | null | undefined) =>
  (item?.formSchema ?? {}) as { properties?: Record<string, SchemaProperty>; required?: string[] };

/** The item's one form (一张表单), rendered from its JSON schema's top-level properties. */
export function FormFields({ item }: { item: Item }) {
  const t = useT();
  const schema = schemaOf(item);
  const properties = formProperties(item, t);
  return (
    <>
      {properties.map(([name, p]) => (
        <Form.Item
          key={name}
          name={['form', name]}
          label={p.title ?? name}
          tooltip={p.description}
          rules={rulesOf(p, schema.required?.includes(name) ?? false, t)}
        >
          {inputOf(name, p)}
        </Form.Item>
      ))}
    </>
  );
}

const sizeText = (bytes: number) =>
  bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** 免提交: the materials of an item the company's valid licences cover, by material code. */
export function useCoverage(itemCode: string | undefined, uscc?: string) {
  const { data } = useLoad(
    async () =>
      itemCode ? unwrap(await api.GET('/api/v1/licences/coverage', { params: { query: { itemCode, uscc } } })) : null,
    [itemCode, uscc],
  );
  return new Map((data?.covered ?? []).map((c) => [c.code, c.licence]));
}

/**
 * Materials of the checklist: each a scanned file uploaded here (PDF, JPEG, PNG or OFD) or a note of
 * the paper handed in; required ones must be given, but for those a valid licence of the company
 * covers (免提交): left empty, the licence stands in. A clerk uploads for the company named.
 */
export function MaterialFields({
  item,
  companyUscc,
  covered = new Map(),
}: {
  item: Item;
  companyUscc?: string;
  covered?: Map<string, Schemas['LicenceDto']>;
}) {
  const t = useT();
  const form = Form.useFormInstance();
  const { message } = App.useApp();
  const [uploaded, setUploaded] = useState<Record<string, { name: string; size: number }>>({});
  const [busy, setBusy] = useState<string | null>(null);
  const pick = async (code: string, file: File) => {
    setBusy(code);
    try {
      const stored = await uploadFile(file, companyUscc);
      form.setFieldValue(['files', code], stored.id);
      if (!String(form.getFieldValue(['materials', code]) ?? '').trim())
        form.setFieldValue(['materials', code], stored.name);
      void form.validateFields([['materials', code]]).catch(() => undefined);
      setUploaded((u) => ({ ...u, [code]: { name: stored.name, size: stored.size } }));
    } catch (e) {
      message.error(errorText(e));
    } finally {
      setBusy(null);
    }
  };
  return (
    <>
      {item.checklist.map((c) => (
        <Form.Item
          key={c.code}
          label={`${c.name}（${c.code}）`}
          required={c.required && !covered.has(c.code)}
          htmlFor={`material-input-${c.code}`}
        >
          <Space.Compact style={{ width: '100%' }}>
            <Form.Item
              noStyle
              name={['materials', c.code]}
              rules={[
                {
                  required: c.required && !covered.has(c.code),
                  whitespace: true,
                  message: `${t('applicant.required')}${t('p.colon')}${c.name}`,
                },
              ]}
            >
              <Input
                id={`material-input-${c.code}`}
                placeholder={covered.has(c.code) ? t('applicant.coveredHelp') : t('applicant.referenceHelp')}
                data-testid={`material-${c.code}`}
              />
            </Form.Item>
            <Upload
              showUploadList={false}
              accept=".pdf,.jpg,.jpeg,.png,.ofd,application/pdf,image/jpeg,image/png"
              beforeUpload={(file) => {
                void pick(c.code, file);
                return false;
              }}
            >
              <Button icon={<UploadOutlined />} loading={busy === c.code} data-testid={`upload-${c.code}`}>
                {t('applicant.upload')}
              </Button>
            </Upload>
          </Space.Compact>
          <Form.Item noStyle name={['files', c.code]} hidden>
            <Input />
          </Form.Item>
          {covered.has(c.code) ? (
            <Tag color="blue" style={{ marginTop: 4, whiteSpace: 'normal' }} data-testid={`covered-${c.code}`}>
              {t('applicant.covered', {
                name: covered.get(c.code)!.name,
                number: covered.get(c.code)!.number,
              })}
            </Tag>
          ) : null}
          {uploaded[c.code] ? (
            <Tag color="green" style={{ marginTop: 4, whiteSpace: 'normal' }} data-testid={`uploaded-${c.code}`}>
              {t('applicant.uploaded')}
              {t('p.colon')}
              {uploaded[c.code].name} · {sizeText(uploaded[c.code].size)}
            </Tag>
          ) : null}
        </Form.Item>
      ))}
    </>
  );
}

export const materialsFrom = (values: {
  materials?: Record<string, string | undefined>;
  files?: Record<string, string | undefined>;
}) =>
  Object.entries(values.materials ?? {})
    .filter(([, reference]) => reference && reference.trim())
    .map(([code, reference]) => ({
      code,
      reference: String(reference).trim(),
      ...(values.files?.[code] ? { fileId: values.files[code] } : {}),
    }));

export function Apply() {
  const { code = '' } = useParams();
  const t = useT();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const limitText = useLimitText();
  const [key] = useState(newIdempotencyKey);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const { data: item, error } = useLoad(
    async () => unwrap(await api.GET('/api/v1/items/{code}', { params: { path: { code } } })),
    [code],
  );
  const covered = useCoverage(code);

  const submit = async (values: {
    form?: Record<string, unknown>;
    materials?: Record<string, string>;
    files?: Record<string, string>;
  }) => {
    if (!item) return;
    setBusy(true);
    setFailure(null);
    try {
      const form = Object.fromEntries(Object.entries(values.form ?? {}).filter(([, v]) => v !== undefined && v !== ''));
      const created = unwrap(
        await api.POST('/api/v1/requests', {
          params: { header: { 'Idempotency-Key': key } },
          body: { itemCode: item.code, form, materials: materialsFrom(values) },
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
      <PageHeader title={`${t('applicant.apply')}${t('p.colon')}${item?.name ?? code}`} />
      {error}
      {item ? (
        <Space direction="vertical" style={{ width: '100%' }} size={16}>
          <Card title={t('applicant.checklist')}>
            <Typography.Paragraph>
              {t('applicant.promisedLimit')}
              {t('p.colon')}
              <strong>{limitText(item.promisedLimit)}</strong>
            </Typography.Paragraph>
            <Checklist item={item} />
          </Card>
          <Card>
            <Form layout="vertical" onFinish={(v) => void submit(v)} data-testid="apply-form" style={{ maxWidth: 640 }}>
              <FormFields item={item} />
              <MaterialFields item={item} covered={covered} />
              {failure ? (
                <Alert type="error" showIcon title={failure} style={{ marginBottom: 16 }} data-testid="apply-error" />
              ) : null}
              <Button type="primary" htmlType="submit" loading={busy} data-testid="apply-submit">
                {t('common.submit')}
              </Button>
            </Form>
          </Card>
        </Space>
      ) : null}
    </>
  );
}
