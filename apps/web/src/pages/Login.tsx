import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { Link, Navigate, useLocation, useNavigate } from 'react-router-dom';
import { errorText } from '../api/client';
import { homeOf } from '../App';
import { useSession } from '../auth';
import { useLang, useT } from '../i18n';

export function Login() {
  const { user, login } = useSession();
  const t = useT();
  const [lang, setLang] = useLang();
  const navigate = useNavigate();
  const location = useLocation();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (user) return <Navigate to={homeOf(user.role)} replace />;
  const from = (location.state as { from?: string } | null)?.from;

  const submit = async (values: { username: string; password: string }) => {
    setBusy(true);
    setError(null);
    try {
      const signedIn = await login(values.username.trim(), values.password);
      navigate(from && from !== '/login' ? from : homeOf(signedIn.role), { replace: true });
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main style={{ minHeight: '100vh', display: 'grid', placeItems: 'center', background: '#f0f2f5', padding: 16 }}>
      <Card style={{ width: '100%', maxWidth: 380 }}>
        <Typography.Title level={3} style={{ marginTop: 0 }}>
          {t('app.title')}
        </Typography.Title>
        <Typography.Paragraph type="secondary">{t('app.subtitle')}</Typography.Paragraph>
        {error ? (
          <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} data-testid="login-error" />
        ) : null}
        <Form layout="vertical" onFinish={submit} data-testid="login-form" requiredMark={false}>
          <Form.Item
            label={t('common.username')}
            name="username"
            rules={[{ required: true, message: t('common.username') }]}
          >
            <Input autoComplete="username" autoFocus data-testid="login-username" />
          </Form.Item>
          <Form.Item
            label={t('common.password')}
            name="password"
            rules={[{ required: true, message: t('common.password') }]}
          >
            <Input.Password autoComplete="current-password" data-testid="login-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy} data-testid="login-submit">
            {t('common.login')}
          </Button>
        </Form>
        <Button
          type="link"
          onClick={() => setLang(lang === 'zh-CN' ? 'en' : 'zh-CN')}
          style={{ paddingLeft: 0, marginTop: 8 }}
        >
          {t('common.language')}
        </Button>
        <Link to="/verify" style={{ float: 'right', marginTop: 12 }} data-testid="login-verify">
          {t('login.verify')}
        </Link>
      </Card>
    </main>
  );
}
