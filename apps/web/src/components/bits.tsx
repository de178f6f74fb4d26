import { Badge, Space, Tag, Tooltip, Typography } from 'antd';
import { type ReactNode, useEffect, useRef } from 'react';
import { dynamicKey, useLang, useT } from '../i18n';
import { formatFull, formatTime, workingDuration } from './format';

/** An instant in Asia/Shanghai; the full time with its offset on hover. */
export function Time({ value }: { value: string | null | undefined }) {
  if (!value) return <span>—</span>;
  return (
    <Tooltip title={formatFull(value)}>
      <time dateTime={value}>{formatTime(value)}</time>
    </Tooltip>
  );
}

const REQUEST_COLORS: Record<string, string> = {
  submitted: 'blue',
  supplement_required: 'orange',
  in_progress: 'processing',
  completed: 'success',
  denied: 'error',
  refused: 'error',
  withdrawn: 'default',
  waiting: 'default',
  active: 'processing',
  approved: 'success',
  cancelled: 'default',
  open: 'orange',
  verified: 'blue',
  rectified: 'cyan',
  closed: 'success',
};

export function StatusTag({ status, kind = 'request' }: { status: string; kind?: 'request' | 'step' | 'followUp' }) {
  const t = useT();
  return (
    <Tag color={REQUEST_COLORS[status] ?? 'default'} data-testid={`status-${status}`}>
      {t(dynamicKey(`status.${kind}.${status}`))}
    </Tag>
  );
}

interface Sla {
  state: string;
  dueAt: string;
  remainingWorkingMinutes: number;
  legalDueAt?: string;
  legalState?: string;
}

const LIGHT: Record<string, 'success' | 'warning' | 'error' | 'default' | 'processing'> = {
  running: 'success',
  warning: 'warning',
  overdue: 'error',
  paused: 'default',
  met: 'success',
  breached: 'error',
};

/** The SLA light: green running, yellow warning, red overdue, grey paused; the due time beside it. */
export function SlaLight({ sla, compact = false }: { sla: Sla | null | undefined; compact?: boolean }) {
  const t = useT();
  const [lang] = useLang();
  if (!sla) return <Typography.Text type="secondary">{t('sla.none')}</Typography.Text>;
  const open = ['running', 'warning', 'overdue', 'paused'].includes(sla.state);
  return (
    <Space size={4} wrap data-testid="sla-light" data-state={sla.state}>
      <Badge status={LIGHT[sla.state] ?? 'default'} text={t(dynamicKey(`sla.${sla.state}`))} />
      {sla.legalState === 'breached' ? (
        <Tag color="red" data-testid="legal-breached">
          {t('sla.legalBreached')}
        </Tag>
      ) : null}
      {!compact || open ? (
        <Typography.Text type="secondary">
          {t('common.dueAt')} <Time value={sla.dueAt} />
          {open && sla.state !== 'paused' ? ` · ${workingDuration(sla.remainingWorkingMinutes, lang)}` : ''}
        </Typography.Text>
      ) : null}
    </Space>
  );
}

export function PageHeader({ title, extra }: { title: ReactNode; extra?: ReactNode }) {
  return (
    <div
      style={{
        display: 'flex',
        justifyContent: 'space-between',
        alignItems: 'center',
        flexWrap: 'wrap',
        gap: 8,
        marginBottom: 16,
      }}
    >
      <Typography.Title level={3} style={{ margin: 0 }}>
        {title}
      </Typography.Title>
      {extra}
    </div>
  );
}

/**
 * Holds a table that scrolls sideways (`scroll={{ x: 'max-content' }}`, on a phone): its scrolling
 * part is made a named, focusable region, so that it scrolls from the keyboard too.
 */
export function ScrollRegion({ label, children }: { label: string; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const region = ref.current?.querySelector('.ant-table-content');
    if (!region) return;
    region.setAttribute('tabindex', '0');
    region.setAttribute('role', 'region');
    region.setAttribute('aria-label', label);
  });
  return <div ref={ref}>{children}</div>;
}
