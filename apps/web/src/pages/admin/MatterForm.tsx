import { DeleteOutlined } from '@ant-design/icons';
import { App, Button, Checkbox, Form, Input, InputNumber, Modal, Select, Space } from 'antd';
import { useState } from 'react';
import { api, errorText, type Schemas, unwrap } from '../../api/client';
import { useT } from '../../i18n';
import type { MessageKey } from '../../locales/zh-CN';

type NewMatter = Schemas['CreateMatterDto'];
type Unit = Schemas['TimeLimitDto']['unit'];

const CODE = /^[A-Z0-9][A-Z0-9_-]{0,31}$/;
const UNITS: Unit[] = ['workingDays', 'workingHours', 'workingMinutes'];
/** The kinds of output the zone's matters issue; any other word of up to 32 characters is taken too. */
const OUTPUT_KINDS = ['licence', 'certificate', 'approval', 'filing'] as const;

interface Values {
  code: string;
  name: string;
  departmentCode: string;
  promisedValue: number;
  promisedUnit: Unit;
  legalValue?: number | null;
  legalUnit: Unit;
  materials?: { code: string; name: string; required?: boolean; key?: boolean }[];
  outputKind: string;
  outputName: string;
}

/**
 * 新增事项: an admin defines a matter of a department — its code and name, its promised limit and
 * its legal limit (none for a value-added service, 增值服务), the materials it asks for and the
 * output it issues. The api checks the rest (a promise longer than the law, a material listed
 * twice) and its refusal is shown in words.
 */
export function MatterForm({
  open,
  departments,
  onClose,
  onCreated,
}: {
  open: boolean;
  departments: { code: string; name: string }[];
  onClose: () => void;
  onCreated: (code: string) => void;
}) {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [failure, setFailure] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const unitOptions = UNITS.map((unit) => ({ value: unit, label: t(`matter.unit.${unit}` as MessageKey) }));

  const save = async () => {
    let values: Values;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setFailure(null);
    setSaving(true);
    const body: NewMatter = {
      code: values.code.trim(),
      name: values.name.trim(),
      departmentCode: values.departmentCode,
      promisedLimit: { value: values.promisedValue, unit: values.promisedUnit },
      legalLimit: values.legalValue ? { value: values.legalValue, unit: values.legalUnit } : null,
      materials: (values.materials ?? []).map((m) => ({
        code: m.code.trim(),
        name: m.name.trim(),
        required: !!m.required,
        key: !!m.key,
      })),
      output: { kind: values.outputKind.trim(), name: values.outputName.trim() },
    };
    try {
      unwrap(await api.POST('/api/v1/matters', { body }));
      message.success(t('matter.created', { code: body.code }));
      form.resetFields();
      onCreated(body.code);
    } catch (e) {
      setFailure(errorText(e));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t('matter.new')}
      width={760}
      onCancel={onClose}
      onOk={() => void save()}
      okText={t('common.submit')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      okButtonProps={{ 'data-testid': 'matter-submit' } as never}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        data-testid="matter-form"
        initialValues={{ promisedUnit: 'workingDays', legalUnit: 'workingDays', materials: [] }}
      >
        <Space wrap align="start">
          <Form.Item
            name="code"
            label={t('common.code')}
            rules={[{ required: true, pattern: CODE, message: t('matter.codeRule') }]}
          >
            <Input data-testid="matter-code" style={{ width: 220 }} />
          </Form.Item>
          <Form.Item
            name="name"
            label={t('common.name')}
            rules={[{ required: true, whitespace: true, max: 200, message: t('matter.nameRule') }]}
          >
            <Input data-testid="matter-name" style={{ width: 300 }} />
          </Form.Item>
        </Space>
        <Form.Item
          name="departmentCode"
          label={t('matter.department')}
          rules={[{ required: true, message: t('matter.departmentRule') }]}
        >
          <Select
            data-testid="matter-department"
            showSearch={{ optionFilterProp: 'label' }}
            options={departments.map((d) => ({ value: d.code, label: `${d.name}（${d.code}）` }))}
          />
        </Form.Item>
        <Space wrap align="start">
          <LimitField
            kind="promised"
            label={t('applicant.promisedLimit')}
            unitOptions={unitOptions}
            unitLabel={t('matter.unit')}
            rule={t('matter.limitRule')}
            required
          />
          <LimitField
            kind="legal"
            label={t('applicant.legalLimit')}
            extra={t('matter.legalOptional')}
            unitOptions={unitOptions}
            unitLabel={t('matter.unit')}
            rule={t('matter.limitRule')}
          />
        </Space>
        <Form.Item label={t('common.materials')}>
          <Form.List name="materials">
            {(fields, { add, remove }) => (
              <>
                {fields.map((field, i) => (
                  <Space key={field.key} wrap align="start" data-testid={`matter-material-${i}`}>
                    <Form.Item
                      name={[field.name, 'code']}
                      rules={[{ required: true, pattern: CODE, message: t('matter.codeRule') }]}
                    >
                      <Input
                        data-testid={`matter-material-code-${i}`}
                        placeholder={t('matter.materialCode')}
                        aria-label={t('matter.materialCode')}
                        style={{ width: 170 }}
                      />
                    </Form.Item>
                    <Form.Item
                      name={[field.name, 'name']}
                      rules={[{ required: true, whitespace: true, max: 200, message: t('matter.nameRule') }]}
                    >
                      <Input
                        data-testid={`matter-material-name-${i}`}
                        placeholder={t('matter.materialName')}
                        aria-label={t('matter.materialName')}
                        style={{ width: 200 }}
                      />
                    </Form.Item>
                    <Form.Item name={[field.name, 'required']} valuePropName="checked">
                      <Checkbox data-testid={`matter-material-required-${i}`}>{t('matter.required')}</Checkbox>
                    </Form.Item>
                    <Form.Item name={[field.name, 'key']} valuePropName="checked">
                      <Checkbox data-testid={`matter-material-key-${i}`}>{t('matter.key')}</Checkbox>
                    </Form.Item>
                    <Button
                      data-testid={`matter-material-remove-${i}`}
                      icon={<DeleteOutlined />}
                      aria-label={t('matter.removeMaterial')}
                      title={t('matter.removeMaterial')}
                      onClick={() => remove(field.name)}
                    />
                  </Space>
                ))}
                <Button
                  type="dashed"
                  data-testid="matter-add-material"
                  onClick={() => add({ code: '', name: '', required: true, key: false })}
                >
                  + {t('matter.addMaterial')}
                </Button>
              </>
            )}
          </Form.List>
        </Form.Item>
        <Space wrap align="start">
          <Form.Item
            name="outputKind"
            label={t('matter.outputKind')}
            rules={[{ required: true, whitespace: true, max: 32, message: t('matter.outputKindRule') }]}
          >
            <Input data-testid="matter-output-kind" list="matter-output-kinds" style={{ width: 220 }} />
          </Form.Item>
          {/* The kinds offered as the admin types; any other word is taken too. */}
          <datalist id="matter-output-kinds">
            {OUTPUT_KINDS.map((kind) => (
              <option key={kind} value={kind} label={t(`matter.outputKind.${kind}` as MessageKey)} />
            ))}
          </datalist>
          <Form.Item
            name="outputName"
            label={t('matter.outputName')}
            rules={[{ required: true, whitespace: true, max: 200, message: t('matter.nameRule') }]}
          >
            <Input data-testid="matter-output-name" style={{ width: 300 }} />
          </Form.Item>
        </Space>
      </Form>
      {failure ? (
        <div role="alert" data-testid="matter-error" style={{ color: '#c7000b' }}>
          {failure}
        </div>
      ) : null}
    </Modal>
  );
}

/** A time limit as a whole number and its unit: the promised one (required) or the legal one (none for 增值服务). */
function LimitField({
  kind,
  label,
  extra,
  unitOptions,
  unitLabel,
  rule,
  required = false,
}: {
  kind: 'promised' | 'legal';
  label: string;
  extra?: string;
  unitOptions: { value: Unit; label: string }[];
  unitLabel: string;
  rule: string;
  required?: boolean;
}) {
  return (
    <Form.Item label={label} extra={extra} required={required}>
      <Space.Compact>
        <Form.Item
          name={`${kind}Value`}
          noStyle
          rules={[{ required, type: 'integer', min: 1, max: 100_000, message: rule }]}
        >
          <InputNumber
            data-testid={`matter-${kind}-value`}
            aria-label={label}
            min={1}
            max={100_000}
            precision={0}
            style={{ width: 120 }}
          />
        </Form.Item>
        <Form.Item name={`${kind}Unit`} noStyle>
          <Select
            data-testid={`matter-${kind}-unit`}
            aria-label={unitLabel}
            options={unitOptions}
            style={{ width: 140 }}
          />
        </Form.Item>
      </Space.Compact>
    </Form.Item>
  );
}
