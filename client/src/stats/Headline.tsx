import { Typography } from 'antd';
import { useI18n } from '../i18n';
import { formatCount, shortTitle } from './format';
import type { Headline } from '../../../shared/stats.js';

function Num({ value, testId }: { value: number; testId: string }) {
  const { lang } = useI18n();
  return (
    <strong className="stats-number" data-testid={testId} data-value={value} title={value.toLocaleString(lang === 'en' ? 'en-US' : 'zh-CN')}>
      {formatCount(value, lang)}
    </strong>
  );
}

/**
 * The seed report's own sentence (全年 X 个一件事…累计办理 Y 件…Z 份材料实现只提交一次或免于提交…
 * 群众少跑 W 次) with the period's numbers. `lead` is the bundle with the most applications.
 */
export function HeadlineSentence({ year, to, headline, lead, testId = 'headline-sentence' }: { year: number; to: string; headline: Headline; lead: { title: string; titleEn: string } | undefined; testId?: string }) {
  const { lang } = useI18n();
  const complete = to.slice(5) === '12-31';
  const until = `${Number(to.slice(5, 7))}月${Number(to.slice(8, 10))}日`;
  if (headline.applications === 0) {
    return (
      <Typography.Paragraph className="stats-sentence" data-testid={testId}>
        {lang === 'en' ? `No applications were filed in ${year}${complete ? '' : ` up to ${to}`}.` : `${year}年${complete ? '全年' : `截至${until}`}暂无“一件事”办件。`}
      </Typography.Paragraph>
    );
  }
  if (lang === 'en') {
    return (
      <Typography.Paragraph className="stats-sentence" data-testid={testId}>
        In {year}
        {complete ? '' : ` (up to ${to})`}, <Num value={headline.bundles} testId="headline-bundles" /> life-event bundles such as “{lead?.titleEn ?? ''}” were each handled in one visit, with{' '}
        <Num value={headline.applications} testId="headline-applications" /> applications in all; <Num value={headline.materialsOnceOrWaived} testId="headline-materials" /> documents were
        submitted only once or not at all, and applicants made <Num value={headline.visitsSaved} testId="headline-visits" /> fewer trips to an office.
      </Typography.Paragraph>
    );
  }
  return (
    <Typography.Paragraph className="stats-sentence" data-testid={testId}>
      {year}年{complete ? '全年' : `截至${until}`}，“{shortTitle(lead?.title ?? '')}”等<Num value={headline.bundles} testId="headline-bundles" />个“一件事”实现“一次办”，累计办理
      <Num value={headline.applications} testId="headline-applications" />件；<Num value={headline.materialsOnceOrWaived} testId="headline-materials" />份材料实现“只提交一次”或免于提交，群众少跑
      <Num value={headline.visitsSaved} testId="headline-visits" />次。
    </Typography.Paragraph>
  );
}
