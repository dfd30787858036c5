import { Tabs, Typography } from 'antd';
import { useSearchParams } from 'react-router';
import { useI18n } from '../i18n';
import Deliveries from './Deliveries';
import Departments from './Departments';
import AuditLog from './AuditLog';
import RoleGrants from './RoleGrants';
import Connectors from './Connectors';
import ParkedNotices from './ParkedNotices';

const TABS = ['deliveries', 'departments', 'connectors', 'notices', 'audit', 'roles'] as const;
type Tab = (typeof TABS)[number];

/** The operator console: failed deliveries, each department's delivery health, the audit log, and roles granted to people. */
export default function Console() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const raw = params.get('tab');
  const tab: Tab = (TABS as readonly string[]).includes(raw ?? '') ? (raw as Tab) : 'deliveries';
  return (
    <>
      <Typography.Title level={2}>{t('运维控制台', 'Operator console')}</Typography.Title>
      <Tabs
        activeKey={tab}
        // Each tab keeps its own filters in the address; a new tab starts from its defaults.
        onChange={(k) => setParams({ tab: k }, { replace: true })}
        destroyOnHidden
        items={[
          { key: 'deliveries', label: t('投递失败', 'Dead deliveries'), children: <Deliveries /> },
          { key: 'departments', label: t('部门投递概况', 'Departments'), children: <Departments /> },
          { key: 'connectors', label: t('数据共享连接器', 'Connectors'), children: <Connectors /> },
          { key: 'notices', label: t('通知发送失败', 'Parked notices'), children: <ParkedNotices /> },
          { key: 'audit', label: t('审计日志', 'Audit log'), children: <AuditLog /> },
          { key: 'roles', label: t('角色授权', 'Roles'), children: <RoleGrants /> },
        ]}
      />
    </>
  );
}
