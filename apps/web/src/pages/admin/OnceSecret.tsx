import { CopyOutlined } from '@ant-design/icons';
import { Alert, App, Button, Input, Modal } from 'antd';
import type { ReactNode } from 'react';
import { useT } from '../../i18n';

/**
 * A secret the api answers only once (an API key, a signing secret): shown in a dialog that closes
 * only on "I have saved it", with a copy button and a warning that it cannot be shown again; once
 * closed, nothing of it is left in the page.
 */
export function OnceSecret({
  open,
  title,
  warning,
  secret,
  testId,
  savedText,
  onClose,
  afterClose,
  children,
}: {
  open: boolean;
  title: string;
  warning: string;
  secret: string;
  testId: string;
  savedText: string;
  onClose: () => void;
  /** Once the dialog has faded out: the secret may be forgotten then. */
  afterClose: () => void;
  children?: ReactNode;
}) {
  const t = useT();
  const { message } = App.useApp();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      message.success(t('common.copied'));
    } catch {
      message.error(t('common.copyFailed'));
    }
  };
  return (
    <Modal
      open={open}
      title={title}
      closable={false}
      maskClosable={false}
      keyboard={false}
      // Closed, the secret leaves the page: nothing of it stays in the DOM.
      destroyOnHidden
      afterClose={afterClose}
      width={640}
      data-testid={testId}
      footer={
        <Button type="primary" onClick={onClose} data-testid={`${testId}-saved`}>
          {savedText}
        </Button>
      }
    >
      <Alert type="warning" showIcon title={warning} style={{ marginBottom: 16 }} data-testid={`${testId}-warning`} />
      {/* the whole secret on view (it wraps), to be read and compared as well as copied */}
      <Input.TextArea
        readOnly
        autoSize
        value={secret}
        aria-label={title}
        onFocus={(e) => e.target.select()}
        style={{ fontFamily: 'monospace', wordBreak: 'break-all' }}
        data-testid={`${testId}-value`}
      />
      <Button
        icon={<CopyOutlined />}
        onClick={() => void copy()}
        style={{ marginTop: 8 }}
        data-testid={`${testId}-copy`}
      >
        {t('common.copy')}
      </Button>
      {children}
    </Modal>
  );
}
