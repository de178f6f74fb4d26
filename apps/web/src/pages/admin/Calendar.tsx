import { App, Badge, Calendar, Card, Form, Input, Modal, Radio } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { api, errorText, unwrap } from '../../api/client';
import { PageHeader } from '../../components/bits';
import { useLoad } from '../../components/useLoad';
import { useLang, useT } from '../../i18n';

const CALENDAR = 'ZONE';

/** The zone's working calendar as a month: a day is made a holiday (法定节假日) or an adjusted workday (调休). */
export function AdminCalendar() {
  const t = useT();
  const [lang] = useLang();
  const zh = lang === 'zh-CN';
  const { message } = App.useApp();
  const [month, setMonth] = useState<Dayjs>(dayjs());
  const [editing, setEditing] = useState<Dayjs | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [form] = Form.useForm();
  const from = month.startOf('month').subtract(7, 'day').format('YYYY-MM-DD');
  const to = month.endOf('month').add(14, 'day').format('YYYY-MM-DD');
  const { data, error, reload } = useLoad(async () => {
    const days = unwrap(
      await api.GET('/api/v1/calendars/{code}/days', { params: { path: { code: CALENDAR }, query: { from, to } } }),
    );
    return new Map((days as { date: string; working: boolean; name?: string | null }[]).map((d) => [d.date, d]));
  }, [from, to]);

  const save = async () => {
    if (!editing) return;
    const values = (await form.validateFields()) as { working: 'true' | 'false'; name: string };
    setFailure(null);
    try {
      unwrap(
        await api.PUT('/api/v1/calendars/{code}/days/{date}', {
          params: { path: { code: CALENDAR, date: editing.format('YYYY-MM-DD') } },
          body: { working: values.working === 'true', name: values.name.trim() },
        }),
      );
      message.success(t('common.done'));
      setEditing(null);
      reload();
    } catch (e) {
      setFailure(errorText(e));
    }
  };

  return (
    <>
      <PageHeader title={`${t('admin.calendar')}（${CALENDAR}）`} />
      {error}
      <Card>
        <Calendar
          value={month}
          onPanelChange={(d) => setMonth(d)}
          onSelect={(d, info) => {
            if (info.source !== 'date') return;
            const day = data?.get(d.format('YYYY-MM-DD'));
            // A named day opens as it is; an ordinary day opens with its opposite, the change the admin came to make.
            const working = day?.name ? day.working : !(day?.working ?? true);
            form.setFieldsValue({ working: String(working), name: day?.name ?? '' });
            setFailure(null);
            setEditing(d);
          }}
          cellRender={(d, info) => {
            if (info.type !== 'date') return info.originNode;
            const day = data?.get(d.format('YYYY-MM-DD'));
            if (!day) return null;
            const weekend = d.day() === 0 || d.day() === 6;
            // An ordinary day (a weekday at work, a weekend at rest, no name) needs no mark beyond a quiet 休 on weekends;
            // a named day is a set holiday (red) or an adjusted workday, 调休 (blue).
            if (!day.name && day.working !== weekend) {
              return day.working ? null : (
                <Badge
                  status="default"
                  text={zh ? '休' : 'Rest'}
                  data-testid={`day-${d.format('YYYY-MM-DD')}`}
                  data-working="false"
                />
              );
            }
            const label = day.working ? (zh ? '调休上班' : 'Adjusted workday') : zh ? '休' : 'Holiday';
            return (
              <Badge
                status={day.working ? 'processing' : 'error'}
                text={day.name ? `${label} ${day.name}` : label}
                data-testid={`day-${d.format('YYYY-MM-DD')}`}
                data-working={String(day.working)}
              />
            );
          }}
        />
      </Card>
      <Modal
        open={editing !== null}
        title={editing?.format('YYYY-MM-DD')}
        onCancel={() => setEditing(null)}
        onOk={() => void save()}
        okText={t('common.submit')}
        cancelText={t('common.cancel')}
      >
        <Form form={form} layout="vertical">
          <Form.Item name="working" label={zh ? '这一天' : 'This day'} rules={[{ required: true }]}>
            <Radio.Group>
              <Radio value="false">{zh ? '法定节假日（休息）' : 'Holiday'}</Radio>
              <Radio value="true">{zh ? '调休（上班日）' : 'Adjusted workday'}</Radio>
            </Radio.Group>
          </Form.Item>
          <Form.Item name="name" label={t('common.name')} rules={[{ required: true, whitespace: true }]}>
            <Input placeholder={zh ? '如：春节、国庆节' : 'e.g. Spring Festival'} />
          </Form.Item>
        </Form>
        {failure ? (
          <div role="alert" style={{ color: '#c7000b' }}>
            {failure}
          </div>
        ) : null}
      </Modal>
    </>
  );
}
