import { useEffect, useState } from 'react';
import { Alert } from 'antd';
import { useI18n } from '../i18n';
import { days } from './labels';

const DAY_MS = 86_400_000;

/** The date (China time) of the last day of a promise that runs out at 24:00 of it. */
function lastDay(promisedBy: string, lang: 'zh' | 'en'): string {
  const at = new Date(new Date(promisedBy).getTime() - 1);
  return at.toLocaleDateString(lang === 'en' ? 'en-GB' : 'zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: 'long', day: 'numeric' });
}

/**
 * 承诺时限 countdown on the applicant's progress page: the bundle's promise, the day it runs out
 * and the calendar days left (the promise itself may count working days; the date says when).
 */
export function PromiseCountdown({ promise, promisedBy, finished }: { promise: { days: number; unit: 'working' | 'natural' }; promisedBy: string; finished: boolean }) {
  const { t, lang } = useI18n();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (finished) return;
    const timer = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(timer);
  }, [finished]);
  const left = new Date(promisedBy).getTime() - now;
  const daysLeft = Math.ceil(left / DAY_MS);
  const unit = promise.unit === 'natural' ? t('个自然日', 'calendar days') : t('个工作日', 'working days');
  const date = lastDay(promisedBy, lang);
  const head = t(`承诺 ${days(promise.days)} ${unit}内办结（${date}前）`, `Promised within ${days(promise.days)} ${unit} (by ${date})`);
  const rest = finished
    ? ''
    : left <= 0
      ? t('，已超过承诺时限，可拨打 12345 反映', '; the promise has run out: you may call 12345')
      : t(`，还剩 ${daysLeft} 天`, `, ${daysLeft} day${daysLeft === 1 ? '' : 's'} left`);
  return <Alert type={!finished && left <= 0 ? 'warning' : 'info'} showIcon style={{ marginBottom: 16 }} data-testid="promise-countdown" title={`${head}${rest}`} />;
}
