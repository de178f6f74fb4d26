import { PlusOutlined } from '@ant-design/icons';
import { Button, Typography } from 'antd';
import type { ReactNode } from 'react';
import { PageHeader } from '../../components/bits';

/**
 * The head of an admin's list of things the desk gives out once (service accounts, webhook
 * subscriptions): its title, a 新建 button and a line saying what the things are for.
 */
export function ListHeader({
  title,
  intro,
  newLabel,
  newTestId,
  onNew,
}: {
  title: string;
  intro: ReactNode;
  newLabel: string;
  newTestId: string;
  onNew: () => void;
}) {
  return (
    <>
      <PageHeader
        title={title}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={onNew} data-testid={newTestId}>
            {newLabel}
          </Button>
        }
      />
      <Typography.Paragraph type="secondary">{intro}</Typography.Paragraph>
    </>
  );
}
