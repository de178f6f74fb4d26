import {
  ApiOutlined,
  AppstoreOutlined,
  AuditOutlined,
  BarChartOutlined,
  BellOutlined,
  CalendarOutlined,
  DashboardOutlined,
  FileSearchOutlined,
  IdcardOutlined,
  InboxOutlined,
  KeyOutlined,
  SolutionOutlined,
  TeamOutlined,
  UserSwitchOutlined,
  WarningOutlined,
} from '@ant-design/icons';
import { App as AntApp, Button, ConfigProvider, Layout, Menu, Result, Space, Spin, Typography } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCNLocale from 'antd/locale/zh_CN';
import 'dayjs/locale/zh-cn';
import { type ComponentType, lazy, type ReactNode, Suspense, useEffect, useState } from 'react';
import { BrowserRouter, Link, Navigate, Outlet, Route, Routes, useLocation, useNavigate } from 'react-router-dom';
import { whenUnauthorized } from './api/client';
import { type Role, SessionProvider, useSession } from './auth';
import { LangProvider, useLang, useT } from './i18n';
import type { MessageKey } from './locales/zh-CN';
import { Login } from './pages/Login';

/** Each page is its own chunk, loaded when first opened: the login page does not wait for the charts. */
const page = <K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K) =>
  lazy(() => load().then((m) => ({ default: m[name] })));
const AdminCalendar = page(() => import('./pages/admin/Calendar'), 'AdminCalendar');
const AdminCatalogue = page(() => import('./pages/admin/Catalogue'), 'AdminCatalogue');
const AdminItem = page(() => import('./pages/admin/Item'), 'AdminItem');
const AdminUsers = page(() => import('./pages/admin/Users'), 'AdminUsers');
const AdminServiceAccounts = page(() => import('./pages/admin/ServiceAccounts'), 'AdminServiceAccounts');
const AdminWebhooks = page(() => import('./pages/admin/Webhooks'), 'AdminWebhooks');
const AdminQueues = page(() => import('./pages/admin/Queues'), 'AdminQueues');
const Apply = page(() => import('./pages/applicant/Apply'), 'Apply');
const Catalogue = page(() => import('./pages/applicant/Catalogue'), 'Catalogue');
const Inbox = page(() => import('./pages/Inbox'), 'Inbox');
const Licences = page(() => import('./pages/licences/Licences'), 'Licences');
const LicencePage = page(() => import('./pages/licences/LicencePage'), 'LicencePage');
const Verify = page(() => import('./pages/licences/Verify'), 'Verify');
const Tasks = page(() => import('./pages/approver/Tasks'), 'Tasks');
const IntakeQueue = page(() => import('./pages/clerk/IntakeQueue'), 'IntakeQueue');
const OnBehalf = page(() => import('./pages/clerk/OnBehalf'), 'OnBehalf');
const Dashboard = page(() => import('./pages/manager/Dashboard'), 'Dashboard');
const FollowUps = page(() => import('./pages/manager/FollowUps'), 'FollowUps');
const Overdue = page(() => import('./pages/manager/Overdue'), 'Overdue');
const RequestList = page(() => import('./pages/RequestList'), 'RequestList');
const RequestPage = page(() => import('./pages/RequestPage'), 'RequestPage');

interface MenuEntry {
  path: string;
  label: MessageKey;
  icon: ReactNode;
}

/** Each role's pages; the first is its home. */
const MENUS: Record<Role, MenuEntry[]> = {
  applicant: [
    { path: '/catalogue', label: 'applicant.catalogue', icon: <AppstoreOutlined /> },
    { path: '/requests', label: 'applicant.myRequests', icon: <SolutionOutlined /> },
    { path: '/licences', label: 'licence.mine', icon: <IdcardOutlined /> },
    { path: '/inbox', label: 'applicant.inbox', icon: <BellOutlined /> },
  ],
  clerk: [
    { path: '/intake', label: 'clerk.queue', icon: <InboxOutlined /> },
    { path: '/on-behalf', label: 'clerk.onBehalf', icon: <UserSwitchOutlined /> },
    { path: '/requests', label: 'manager.requests', icon: <SolutionOutlined /> },
    { path: '/licences', label: 'licence.title', icon: <IdcardOutlined /> },
    { path: '/inbox', label: 'applicant.inbox', icon: <BellOutlined /> },
  ],
  approver: [
    { path: '/tasks', label: 'approver.tasks', icon: <AuditOutlined /> },
    { path: '/requests', label: 'manager.requests', icon: <SolutionOutlined /> },
    { path: '/licences', label: 'licence.title', icon: <IdcardOutlined /> },
    { path: '/inbox', label: 'applicant.inbox', icon: <BellOutlined /> },
  ],
  manager: [
    { path: '/dashboard', label: 'manager.dashboard', icon: <BarChartOutlined /> },
    { path: '/overdue', label: 'manager.overdue', icon: <WarningOutlined /> },
    { path: '/follow-ups', label: 'manager.followUps', icon: <FileSearchOutlined /> },
    { path: '/requests', label: 'manager.requests', icon: <SolutionOutlined /> },
    { path: '/licences', label: 'licence.title', icon: <IdcardOutlined /> },
    { path: '/inbox', label: 'applicant.inbox', icon: <BellOutlined /> },
  ],
  admin: [
    { path: '/admin/catalogue', label: 'admin.catalogue', icon: <AppstoreOutlined /> },
    { path: '/admin/calendar', label: 'admin.calendar', icon: <CalendarOutlined /> },
    { path: '/admin/users', label: 'admin.users', icon: <TeamOutlined /> },
    { path: '/admin/service-accounts', label: 'admin.serviceAccounts', icon: <KeyOutlined /> },
    { path: '/admin/webhooks', label: 'admin.webhooks', icon: <ApiOutlined /> },
    { path: '/admin/queue-monitor', label: 'admin.queues', icon: <DashboardOutlined /> },
    { path: '/requests', label: 'manager.requests', icon: <SolutionOutlined /> },
    { path: '/licences', label: 'licence.title', icon: <IdcardOutlined /> },
  ],
};

export const homeOf = (role: Role) => MENUS[role][0].path;

function Shell() {
  const { user, logout } = useSession();
  const t = useT();
  const [lang, setLang] = useLang();
  const location = useLocation();
  const navigate = useNavigate();
  const [collapsed, setCollapsed] = useState(window.innerWidth < 768);
  if (!user) return <Navigate to="/login" replace state={{ from: location.pathname }} />;
  const menu = MENUS[user.role];
  const selected = menu.find((m) => location.pathname.startsWith(m.path))?.path ?? '';
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider
        collapsible
        collapsed={collapsed}
        onCollapse={setCollapsed}
        breakpoint="md"
        collapsedWidth={48}
        width={200}
      >
        <div style={{ color: '#fff', padding: '16px 12px', fontWeight: 600, whiteSpace: 'nowrap', overflow: 'hidden' }}>
          {collapsed ? '一件事' : t('app.title')}
        </div>
        <Menu
          theme="dark"
          mode="inline"
          selectedKeys={[selected]}
          items={menu.map((m) => ({ key: m.path, icon: m.icon, label: <Link to={m.path}>{t(m.label)}</Link> }))}
        />
      </Layout.Sider>
      <Layout>
        <Layout.Header
          // height auto: at phone width the user, language switch and logout wrap onto two lines inside the header
          style={{
            background: '#fff',
            padding: '8px 16px',
            height: 'auto',
            minHeight: 64,
            lineHeight: 1.5,
            display: 'flex',
            justifyContent: 'flex-end',
            alignItems: 'center',
            gap: 12,
          }}
        >
          <Space wrap>
            <Typography.Text data-testid="current-user">
              {user.username} · {t(`role.${user.role}` as MessageKey)}
            </Typography.Text>
            <Button
              size="small"
              onClick={() => setLang(lang === 'zh-CN' ? 'en' : 'zh-CN')}
              data-testid="switch-language"
            >
              {t('common.language')}
            </Button>
            <Button
              size="small"
              onClick={() => {
                logout();
                navigate('/login');
              }}
              data-testid="logout"
            >
              {t('common.logout')}
            </Button>
          </Space>
        </Layout.Header>
        <Layout.Content style={{ padding: 16 }}>
          <main>
            <Suspense fallback={<Spin style={{ display: 'block', marginTop: 48 }} />}>
              <Outlet />
            </Suspense>
          </main>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}

function Home() {
  const { user } = useSession();
  return <Navigate to={user ? homeOf(user.role) : '/login'} replace />;
}

function NotFound() {
  const t = useT();
  return (
    <Result
      status="404"
      title="404"
      subTitle={t('common.pageNotFound')}
      extra={<Link to="/">{t('common.back')}</Link>}
    />
  );
}

/** Only the given roles reach the page; others land on their home. */
function Only({ roles, children }: { roles: Role[]; children: ReactNode }) {
  const { user } = useSession();
  if (!user) return null;
  return roles.includes(user.role) ? <>{children}</> : <Navigate to={homeOf(user.role)} replace />;
}

function Routed() {
  const { restoring, logout } = useSession();
  const navigate = useNavigate();
  useEffect(() => {
    whenUnauthorized(() => {
      logout();
      navigate('/login', { replace: true });
    });
  }, [logout, navigate]);
  if (restoring) return <Spin style={{ display: 'block', marginTop: '30vh' }} />;
  return (
    <Routes>
      <Route path="/login" element={<Login />} />
      <Route
        path="/verify/:code?"
        element={
          <Suspense fallback={<Spin />}>
            <Verify />
          </Suspense>
        }
      />
      <Route element={<Shell />}>
        <Route path="/" element={<Home />} />
        <Route
          path="/catalogue"
          element={
            <Only roles={['applicant']}>
              <Catalogue />
            </Only>
          }
        />
        <Route
          path="/catalogue/:code"
          element={
            <Only roles={['applicant']}>
              <Apply />
            </Only>
          }
        />
        <Route path="/requests" element={<RequestList />} />
        <Route path="/requests/:id" element={<RequestPage />} />
        <Route path="/inbox" element={<Inbox />} />
        <Route path="/licences" element={<Licences />} />
        <Route path="/licences/:id" element={<LicencePage />} />
        <Route
          path="/intake"
          element={
            <Only roles={['clerk']}>
              <IntakeQueue />
            </Only>
          }
        />
        <Route
          path="/on-behalf"
          element={
            <Only roles={['clerk']}>
              <OnBehalf />
            </Only>
          }
        />
        <Route
          path="/tasks"
          element={
            <Only roles={['approver']}>
              <Tasks />
            </Only>
          }
        />
        <Route
          path="/dashboard"
          element={
            <Only roles={['manager', 'admin']}>
              <Dashboard />
            </Only>
          }
        />
        <Route
          path="/overdue"
          element={
            <Only roles={['manager', 'admin']}>
              <Overdue />
            </Only>
          }
        />
        <Route
          path="/follow-ups"
          element={
            <Only roles={['manager', 'admin']}>
              <FollowUps />
            </Only>
          }
        />
        <Route
          path="/admin/catalogue"
          element={
            <Only roles={['admin']}>
              <AdminCatalogue />
            </Only>
          }
        />
        <Route
          path="/admin/items/:code"
          element={
            <Only roles={['admin']}>
              <AdminItem />
            </Only>
          }
        />
        <Route
          path="/admin/calendar"
          element={
            <Only roles={['admin']}>
              <AdminCalendar />
            </Only>
          }
        />
        <Route
          path="/admin/users"
          element={
            <Only roles={['admin']}>
              <AdminUsers />
            </Only>
          }
        />
        <Route
          path="/admin/service-accounts"
          element={
            <Only roles={['admin']}>
              <AdminServiceAccounts />
            </Only>
          }
        />
        <Route
          path="/admin/webhooks"
          element={
            <Only roles={['admin']}>
              <AdminWebhooks />
            </Only>
          }
        />
        <Route
          path="/admin/queue-monitor"
          element={
            <Only roles={['admin']}>
              <AdminQueues />
            </Only>
          }
        />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}

function Localised() {
  const [lang] = useLang();
  return (
    <ConfigProvider
      locale={lang === 'en' ? enUS : zhCNLocale}
      theme={{
        // Secondary text and placeholders dark enough for WCAG AA contrast on white (axe checks it).
        token: {
          colorPrimary: '#c7000b',
          borderRadius: 4,
          colorTextPlaceholder: '#6e6e6e',
          colorTextDescription: '#595959',
          colorTextTertiary: '#595959',
          // Links (the request numbers in every list) in a blue that keeps 4.5:1 on white and on a table's hover row.
          colorLink: '#0958d9',
        },
        // A table's empty placeholder is drawn in the disabled colour, too light to read; give it the placeholder's.
        components: { Table: { colorTextDisabled: '#6e6e6e' } },
      }}
    >
      <AntApp>
        <SessionProvider>
          <BrowserRouter>
            <Routed />
          </BrowserRouter>
        </SessionProvider>
      </AntApp>
    </ConfigProvider>
  );
}

export function App() {
  return (
    <LangProvider>
      <Localised />
    </LangProvider>
  );
}
