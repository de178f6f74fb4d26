import { Alert, Button, Card, Descriptions, Input, Space, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { api, errorText, type Schemas, unwrap } from '../../api/client';
import { Time } from '../../components/bits';
import { useLoad } from '../../components/useLoad';
import { useT } from '../../i18n';
import { LicenceStatusTag } from './LicenceStatusTag';

type Check = Schemas['LicenceCheckDto'];

/** 证照核验: anyone (no login) types the code printed on a licence and learns whether it is valid. */
export function Verify() {
  const t = useT();
  const { code = '' } = useParams();
  const navigate = useNavigate();
  const [typed, setTyped] = useState(code);
  const { data, loading, error } = useLoad<{ check: Check | null; failure: string | null }>(async () => {
    if (!code) return { check: null, failure: null };
    try {
      return {
        check: unwrap(await api.GET('/api/v1/licences/verify/{code}', { params: { path: { code } } })),
        failure: null,
      };
    } catch (e) {
      return { check: null, failure: errorText(e) };
    }
  }, [code]);
  const go = () => {
    const next = typed.trim();
    if (next) navigate(`/verify/${encodeURIComponent(next)}`);
  };
  return (
    <div style={{ maxWidth: 640, margin: '48px auto', padding: '0 16px' }}>
      <Typography.Title level={3}>{t('licence.verifyTitle')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('licence.verifyHelp')}</Typography.Paragraph>
      <Space.Compact style={{ width: '100%', marginBottom: 16 }}>
        <Input
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
          onPressEnter={go}
          maxLength={40}
          placeholder="XXXX-XXXX-XXXX-XXXX"
          data-testid="verify-code"
        />
        <Button type="primary" onClick={go} loading={loading} data-testid="verify-submit">
          {t('licence.verify')}
        </Button>
      </Space.Compact>
      {error}
      {data?.failure ? <Alert type="warning" showIcon title={data.failure} data-testid="verify-failure" /> : null}
      {data?.check ? (
        <Card data-testid="verify-result" data-valid={String(data.check.valid)}>
          <Alert
            type={data.check.valid ? 'success' : 'error'}
            showIcon
            title={data.check.valid ? t('licence.isValid') : t('licence.isNotValid')}
            style={{ marginBottom: 16 }}
          />
          <Descriptions column={1} bordered size="small">
            <Descriptions.Item label={t('licence.name')}>
              {data.check.name}（{data.check.kind}）
            </Descriptions.Item>
            <Descriptions.Item label={t('licence.holder')}>{data.check.holderName}</Descriptions.Item>
            <Descriptions.Item label={t('licence.statusTitle')}>
              <LicenceStatusTag status={data.check.status} />
            </Descriptions.Item>
            <Descriptions.Item label={t('licence.issuedAt')}>
              <Time value={data.check.issuedAt} />
            </Descriptions.Item>
            <Descriptions.Item label={t('licence.validUntil')}>
              {data.check.validUntil ? <Time value={data.check.validUntil} /> : t('licence.noEnd')}
            </Descriptions.Item>
            {data.check.revokedAt ? (
              <Descriptions.Item label={t('licence.revokedAt')}>
                <Time value={data.check.revokedAt} />
              </Descriptions.Item>
            ) : null}
          </Descriptions>
        </Card>
      ) : null}
    </div>
  );
}
