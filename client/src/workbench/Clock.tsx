import { Tag, Tooltip } from 'antd';
import { useI18n } from '../i18n';
import type { SubStatus } from '../../../shared/lifecycle.js';

interface ClockProps {
  status: SubStatus;
  dueDate: string | null;
  overdue: boolean;
  workingDaysLeft: number | null;
  completedLate: boolean;
}

/** Where the time limit stands, in working days: 超期 (督办), due today, days left, paused, done late. */
export function ClockTag({ status, dueDate, overdue, workingDaysLeft, completedLate }: ClockProps) {
  const { t } = useI18n();
  const due = dueDate ? t(`截止 ${dueDate}`, `due ${dueDate}`) : '';
  if (status === 'supplement') return <Tag color="default">{t('补正中，暂停计时', 'Paused for supplement')}</Tag>;
  if (status === 'completed') return completedLate ? <Tag color="volcano">{t('超期办结', 'Completed late')}</Tag> : <Tag color="green">{t('按时办结', 'On time')}</Tag>;
  if (status === 'rejected' || workingDaysLeft === null) return null;
  if (overdue) {
    return (
      <Tooltip title={due}>
        <Tag color="red" data-testid="overdue">
          {t(`督办 · 超期 ${-workingDaysLeft} 个工作日`, `Overdue by ${-workingDaysLeft} working day${workingDaysLeft === -1 ? '' : 's'}`)}
        </Tag>
      </Tooltip>
    );
  }
  if (workingDaysLeft === 0) return <Tooltip title={due}><Tag color="orange">{t('今日到期', 'Due today')}</Tag></Tooltip>;
  return (
    <Tooltip title={due}>
      <Tag color={workingDaysLeft <= 2 ? 'gold' : 'blue'}>{t(`剩余 ${workingDaysLeft} 个工作日`, `${workingDaysLeft} working day${workingDaysLeft === 1 ? '' : 's'} left`)}</Tag>
    </Tooltip>
  );
}
