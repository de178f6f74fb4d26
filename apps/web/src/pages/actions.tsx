import { App, Button, DatePicker, Form, Input, InputNumber, Modal, Rate, Select, Space, Switch } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { api, errorText, newIdempotencyKey, type RequestView, type Schemas, unwrap } from '../api/client';
import { useT } from '../i18n';
import type { MessageKey } from '../locales/zh-CN';
import { FormFields } from './applicant/Apply';

export interface ChecklistEntry {
  code: string;
  name: string;
}

interface Target {
  request: RequestView;
  stepKey?: string;
  checklist: ChecklistEntry[];
  /** The item as published, for its form (一张表单) when a supplement corrects it. */
  item?: Schemas['PublishedItemDto'] | null;
}

/** The form's answers as sent: the fields left empty are left out. */
const formOf = (values: Values) =>
  Object.fromEntries(
    Object.entries((values.form as Record<string, unknown> | undefined) ?? {}).filter(
      ([, v]) => v !== undefined && v !== null && v !== '',
    ),
  );

type Values = Record<string, unknown>;

const materialsOf = (values: Values, codes: string[]) =>
  codes.map((code) => ({ code, reference: String(values[`ref:${code}`] ?? '').trim() }));

/**
 * Posts one action with its Idempotency-Key. The answer is the request as it now is, or null for the
 * actions whose answer is something else (the evaluation, its follow-up): the page then reads the
 * request again.
 */
async function post(action: string, target: Target, values: Values, key: string): Promise<RequestView | null> {
  const id = target.request.id;
  const headers = { 'Idempotency-Key': key };
  const path = { id };
  const step = { id, key: target.stepKey ?? '' };
  switch (action) {
    case 'accept':
      return unwrap(
        await api.POST('/api/v1/requests/{id}/accept', {
          params: { path, header: headers },
          body: {
            deferredMaterials: (
              (values.deferred as { code: string; dueInWorkingDays: number }[] | undefined) ?? []
            ).filter((d) => d?.code),
          },
        }),
      );
    case 'refuse':
      return unwrap(
        await api.POST('/api/v1/requests/{id}/refuse', {
          params: { path, header: headers },
          body: { reason: String(values.reason) },
        }),
      );
    case 'request-supplement':
      if (target.stepKey) {
        return unwrap(
          await api.POST('/api/v1/requests/{id}/steps/{key}/supplement-requests', {
            params: { path: step, header: headers },
            body: { materials: values.materials as string[], note: String(values.note) },
          }),
        );
      }
      return unwrap(
        await api.POST('/api/v1/requests/{id}/supplement-requests', {
          params: { path, header: headers },
          body: { materials: values.materials as string[], note: String(values.note) },
        }),
      );
    case 'supply':
      return unwrap(
        await api.POST('/api/v1/requests/{id}/supplements', {
          params: { path, header: headers },
          body: {
            materials: materialsOf(values, suppliable(target.request)),
            // 补正 may correct the form too: sent whole, checked against the item's schema again.
            ...(values.correctForm ? { form: formOf(values) } : {}),
          },
        }),
      );
    case 'withdraw':
      return unwrap(await api.POST('/api/v1/requests/{id}/withdraw', { params: { path, header: headers }, body: {} }));
    case 'extend':
      return unwrap(
        await api.POST('/api/v1/requests/{id}/extensions', {
          params: { path, header: headers },
          body: { workingDays: Number(values.workingDays), reason: String(values.reason) },
        }),
      );
    case 'evaluate':
      unwrap(
        await api.POST('/api/v1/requests/{id}/evaluation', {
          params: { path, header: headers },
          body: {
            score: Number(values.score) as 1 | 2 | 3 | 4 | 5,
            ...(values.comment ? { comment: String(values.comment) } : {}),
          },
        }),
      );
      return null;
    case 'follow-up-verify':
      unwrap(
        await api.POST('/api/v1/requests/{id}/follow-up/verify', {
          params: { path, header: headers },
          body: { note: String(values.note) },
        }),
      );
      return null;
    case 'follow-up-rectify':
      unwrap(
        await api.POST('/api/v1/requests/{id}/follow-up/rectify', {
          params: { path, header: headers },
          body: { note: String(values.note) },
        }),
      );
      return null;
    case 'follow-up-feedback':
      unwrap(
        await api.POST('/api/v1/requests/{id}/follow-up/feedback', {
          params: { path, header: headers },
          body: { message: String(values.message) },
        }),
      );
      return null;
    case 'approve':
      return unwrap(
        await api.POST('/api/v1/requests/{id}/steps/{key}/approve', {
          params: { path: step, header: headers },
          body: {
            ...(values.outputNumber ? { outputNumber: String(values.outputNumber).trim() } : {}),
            ...(values.comment ? { comment: String(values.comment) } : {}),
          },
        }),
      );
    case 'deny':
      return unwrap(
        await api.POST('/api/v1/requests/{id}/steps/{key}/deny', {
          params: { path: step, header: headers },
          body: { reason: String(values.reason) },
        }),
      );
    case 'special-procedure':
      return unwrap(
        await api.POST('/api/v1/requests/{id}/steps/{key}/special-procedures', {
          params: { path: step, header: headers },
          body: { reason: String(values.reason), endsAt: (values.endsAt as dayjs.Dayjs).toISOString() },
        }),
      );
    case 'end-special-procedure':
      return unwrap(
        await api.POST('/api/v1/requests/{id}/steps/{key}/special-procedures/end', {
          params: { path: step, header: headers },
          body: {},
        }),
      );
    default:
      throw new Error(`unknown action ${action}`);
  }
}

/** The materials the applicant hands in now: those asked for, or the deferred ones still missing. */
export function suppliable(request: RequestView): string[] {
  if (request.status === 'supplement_required' && request.supplement) return request.supplement.materials;
  return request.deferredMaterials.filter((d) => d.suppliedAt === null).map((d) => d.code);
}

function Fields({ action, target }: { action: string; target: Target }) {
  const t = useT();
  const options = target.checklist.map((c) => ({ value: c.code, label: `${c.name}（${c.code}）` }));
  const reason = (
    <Form.Item
      name="reason"
      label={t('common.reason')}
      rules={[{ required: true, whitespace: true, message: t('common.reason') }]}
    >
      <Input.TextArea rows={3} maxLength={1000} data-testid="field-reason" />
    </Form.Item>
  );
  switch (action) {
    case 'accept':
      return (
        <Form.List name="deferred">
          {(fields, { add, remove }) => (
            <>
              {fields.map((field) => (
                <Space key={field.key} align="baseline" wrap>
                  <Form.Item name={[field.name, 'code']} label={t('request.deferred')} rules={[{ required: true }]}>
                    <Select
                      style={{ width: 240 }}
                      options={options}
                      aria-label={t('request.deferred')}
                      data-testid="field-deferred-code"
                    />
                  </Form.Item>
                  <Form.Item
                    name={[field.name, 'dueInWorkingDays']}
                    label={t('request.deferred.dueDays')}
                    rules={[{ required: true }]}
                    initialValue={5}
                  >
                    <InputNumber min={1} max={60} data-testid="field-deferred-days" />
                  </Form.Item>
                  <Button onClick={() => remove(field.name)}>−</Button>
                </Space>
              ))}
              <Button onClick={() => add()} data-testid="add-deferred">
                + {t('request.deferred')}（容缺受理）
              </Button>
            </>
          )}
        </Form.List>
      );
    case 'refuse':
    case 'deny':
      return reason;
    case 'request-supplement':
      return (
        <>
          <Form.Item
            name="materials"
            label={t('common.materials')}
            rules={[{ required: true, message: t('common.materials') }]}
          >
            <Select mode="multiple" options={options} data-testid="field-materials" />
          </Form.Item>
          <Form.Item
            name="note"
            label={t('common.note')}
            rules={[{ required: true, whitespace: true, message: t('common.note') }]}
          >
            <Input.TextArea rows={3} maxLength={1000} data-testid="field-note" />
          </Form.Item>
        </>
      );
    case 'supply':
      return (
        <>
          {target.request.status === 'supplement_required' && target.item ? (
            <CorrectedForm item={target.item} current={target.request.form} />
          ) : null}
          {suppliable(target.request).map((code) => (
            <Form.Item
              key={code}
              name={`ref:${code}`}
              label={`${target.checklist.find((c) => c.code === code)?.name ?? code}（${code}）`}
              rules={[{ required: true, whitespace: true, message: t('request.reference') }]}
            >
              <Input placeholder={t('applicant.referenceHelp')} data-testid={`field-ref-${code}`} />
            </Form.Item>
          ))}
        </>
      );
    case 'withdraw':
      return null;
    case 'extend':
      return (
        <>
          <Form.Item
            name="workingDays"
            label={t('request.extension.days')}
            rules={[{ required: true }]}
            initialValue={5}
          >
            <InputNumber min={1} max={10} data-testid="field-working-days" />
          </Form.Item>
          {reason}
        </>
      );
    case 'evaluate':
      return (
        <>
          <Form.Item name="score" label={t('request.score')} rules={[{ required: true, message: t('request.score') }]}>
            <Rate tooltips={[1, 2, 3, 4, 5].map((n) => t(`score.${n}` as MessageKey))} data-testid="field-score" />
          </Form.Item>
          <Form.Item name="comment" label={t('common.comment')}>
            <Input.TextArea rows={3} maxLength={500} data-testid="field-comment" />
          </Form.Item>
        </>
      );
    case 'follow-up-verify':
    case 'follow-up-rectify':
      return (
        <Form.Item
          name="note"
          label={t('common.note')}
          rules={[{ required: true, whitespace: true, message: t('common.note') }]}
        >
          <Input.TextArea rows={3} maxLength={1000} data-testid="field-note" />
        </Form.Item>
      );
    case 'follow-up-feedback':
      return (
        <Form.Item
          name="message"
          label={t('common.comment')}
          rules={[{ required: true, whitespace: true, message: t('common.comment') }]}
        >
          <Input.TextArea rows={3} maxLength={1000} data-testid="field-message" />
        </Form.Item>
      );
    case 'approve':
      return (
        <>
          <Form.Item name="outputNumber" label={t('request.outputNumber')}>
            <Input maxLength={64} data-testid="field-output-number" />
          </Form.Item>
          <Form.Item name="comment" label={t('common.comment')}>
            <Input.TextArea rows={2} maxLength={500} data-testid="field-comment" />
          </Form.Item>
        </>
      );
    case 'special-procedure':
      return (
        <>
          <Form.Item name="endsAt" label={t('request.specialProcedure.endsAt')} rules={[{ required: true }]}>
            <DatePicker showTime data-testid="field-ends-at" disabledDate={(d) => d.isBefore(dayjs(), 'day')} />
          </Form.Item>
          {reason}
        </>
      );
    default:
      return null;
  }
}

/** 更正表单: a switch that opens the item's form, filled with what the request holds, to send corrected. */
function CorrectedForm({ item, current }: { item: Schemas['PublishedItemDto']; current: Record<string, unknown> }) {
  const t = useT();
  const form = Form.useFormInstance();
  const on = Form.useWatch('correctForm', form) as boolean | undefined;
  return (
    <>
      <Form.Item name="correctForm" label={t('request.correctForm')} valuePropName="checked" initialValue={false}>
        <Switch
          data-testid="field-correct-form"
          onChange={(checked) => {
            if (checked) form.setFieldsValue({ form: current });
          }}
        />
      </Form.Item>
      {on ? <FormFields item={item} /> : null}
    </>
  );
}

export function actionLabel(action: string, step: boolean): MessageKey {
  if (step && action === 'request-supplement') return 'action.step.request-supplement';
  return `action.${action}` as MessageKey;
}

/** One button for one allowed action; it opens the action's form and posts it. */
export function ActionButton({
  action,
  target,
  onDone,
}: {
  action: string;
  target: Target;
  onDone: (view: RequestView | null) => void;
}) {
  const t = useT();
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [key, setKey] = useState(newIdempotencyKey);
  const [form] = Form.useForm();
  const label = t(actionLabel(action, target.stepKey !== undefined));
  const testId = target.stepKey ? `step-${target.stepKey}-${action}` : `action-${action}`;
  const danger = ['refuse', 'deny', 'withdraw'].includes(action);

  const submit = async () => {
    const values = (await form.validateFields()) as Values;
    setBusy(true);
    setError(null);
    try {
      const view = await post(action, target, values, key);
      message.success(`${label}${t('p.colon')}${t('common.done')}`);
      setOpen(false);
      onDone(view);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Button
        type={danger ? 'default' : 'primary'}
        danger={danger}
        data-testid={testId}
        onClick={() => {
          form.resetFields();
          setKey(newIdempotencyKey());
          setError(null);
          setOpen(true);
        }}
      >
        {label}
      </Button>
      <Modal
        open={open}
        title={label}
        onCancel={() => setOpen(false)}
        onOk={() => void submit()}
        confirmLoading={busy}
        okText={t('common.submit')}
        cancelText={t('common.cancel')}
        okButtonProps={{ danger, 'data-testid': 'modal-submit' } as never}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" data-testid={`form-${action}`} preserve={false}>
          <Fields action={action} target={target} />
        </Form>
        {error ? (
          <div role="alert" data-testid="action-error" style={{ color: '#c7000b' }}>
            {error}
          </div>
        ) : null}
      </Modal>
    </>
  );
}
