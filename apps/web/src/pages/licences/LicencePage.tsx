import { PrinterOutlined } from '@ant-design/icons';
import { Button, Card, Descriptions, QRCode, Result, Space, Spin, Typography } from 'antd';
import { useEffect, useRef } from 'react';
import { Link, useParams } from 'react-router-dom';
import { api, type Schemas, unwrap } from '../../api/client';
import { PageHeader, Time } from '../../components/bits';
import { named, useNames } from '../../components/names';
import { useLoad } from '../../components/useLoad';
import { useT } from '../../i18n';
import { LicenceStatusTag } from './LicenceStatusTag';

type Licence = Schemas['LicenceDto'];

/** Where anyone checks a licence's code (the public 证照核验 page), as printed on it and in its QR code. */
const verifyAddress = (code: string) => `${window.location.origin}/verify/${encodeURIComponent(code)}`;

/**
 * 电子证照 as a document: what the licence says, its verification code and the QR code of the public
 * check, laid out to be printed or saved as a PDF from the browser (the console's chrome is left off
 * the page: print.css). The api decides who may read it, as for the list.
 */
export function LicencePage() {
  const t = useT();
  const { id = '' } = useParams();
  const names = useNames();
  const qr = useRef<HTMLDivElement>(null);
  const { data, loading, error, status } = useLoad<Licence>(
    async () => unwrap(await api.GET('/api/v1/licences/{licenceId}', { params: { path: { licenceId: id } } })),
    [id],
  );
  // The QR code's svg says what it is to a screen reader (antd gives it the image role, without a name).
  const qrLabel = data ? t('licence.qrLabel', { code: data.verificationCode }) : '';
  useEffect(() => {
    qr.current?.querySelector('svg')?.setAttribute('aria-label', qrLabel);
  }, [qrLabel, data]);
  if (status === 404 || status === 400)
    return (
      <Result
        status="404"
        title="404"
        subTitle={<span data-testid="licence-not-found">{t('licence.notFound')}</span>}
        extra={<Link to="/licences">{t('licence.mine')}</Link>}
      />
    );
  if (!data) return loading ? <Spin /> : <>{error}</>;
  const address = verifyAddress(data.verificationCode);
  return (
    <div data-testid="licence-page" data-status={data.status}>
      <div className="no-print">
        <PageHeader
          title={`${data.name} ${data.number}`}
          extra={
            <Space wrap>
              <Link to="/licences">{t('licence.backToList')}</Link>
              <Button
                type="primary"
                icon={<PrinterOutlined />}
                onClick={() => window.print()}
                data-testid="licence-print"
              >
                {t('licence.print')}
              </Button>
            </Space>
          }
        />
        <Typography.Paragraph type="secondary">{t('licence.printHelp')}</Typography.Paragraph>
      </div>
      <Card className="licence-document" style={{ maxWidth: 760, margin: '0 auto', border: '2px solid #b8860b' }}>
        <Typography.Title level={2} style={{ textAlign: 'center', letterSpacing: 8 }} data-testid="licence-title">
          {data.name}
        </Typography.Title>
        <div style={{ textAlign: 'center', marginBottom: 24 }}>
          <LicenceStatusTag status={data.status} />
        </div>
        <Space align="start" wrap style={{ width: '100%', justifyContent: 'space-between' }}>
          <Descriptions column={1} size="small" style={{ minWidth: 280, maxWidth: 460 }} data-testid="licence-fields">
            <Descriptions.Item label={t('licence.number')}>
              <Typography.Text strong>{data.number}</Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label={t('licence.holder')}>{data.holderName}</Descriptions.Item>
            <Descriptions.Item label={t('licence.uscc')}>{data.holderUscc}</Descriptions.Item>
            <Descriptions.Item label={t('licence.department')}>
              {named(names.departments, data.departmentCode)}
            </Descriptions.Item>
            <Descriptions.Item label={t('licence.issuedAt')}>
              <Time value={data.issuedAt} />
            </Descriptions.Item>
            <Descriptions.Item label={t('licence.validUntil')}>
              {data.validUntil ? <Time value={data.validUntil} /> : t('licence.noEnd')}
            </Descriptions.Item>
            {data.revokedAt ? (
              <Descriptions.Item label={t('licence.revokedAt')}>
                <Time value={data.revokedAt} />
                {data.revokeReason ? ` · ${data.revokeReason}` : ''}
              </Descriptions.Item>
            ) : null}
            <Descriptions.Item label={t('licence.verificationCode')}>
              <Typography.Text code data-testid="licence-code">
                {data.verificationCode}
              </Typography.Text>
            </Descriptions.Item>
          </Descriptions>
          <div style={{ textAlign: 'center' }} ref={qr}>
            <QRCode value={address} type="svg" size={148} bordered={false} data-testid="licence-qr" />
            <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12, maxWidth: 180 }}>
              {t('licence.scanToVerify')}
            </Typography.Text>
          </div>
        </Space>
        <Typography.Paragraph type="secondary" style={{ marginTop: 24, fontSize: 12, wordBreak: 'break-all' }}>
          {t('licence.verifyAt')} <span data-testid="licence-verify-address">{address}</span>
        </Typography.Paragraph>
        <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
          {t('licence.issuedFor')} <Link to={`/requests/${data.requestId}`}>#{data.requestId}</Link>
        </Typography.Paragraph>
      </Card>
    </div>
  );
}
