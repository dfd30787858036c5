import { Card, Space, Typography } from 'antd';
import { Link } from 'react-router';
import { useI18n } from '../i18n';
import { Pill, days } from './labels';
import type { BundleSummary } from './types';

/** One life event on the home page: what it bundles, what it saves in the engine's numbers, and where to start it. */
export default function BundleCard({ b }: { b: BundleSummary }) {
  const { t, lang } = useI18n();
  const s = b.savings;
  const title = lang === 'en' ? b.titleEn : b.title;
  const visitsSaved = s.visits.separately - s.visits.bundled;
  const materialsSaved = s.materials.separately - s.materials.handedIn;
  const fieldsSaved = s.fields.separately - s.fields.asked;
  const before = s.days.separately;
  const after = s.days.promised?.value ?? s.days.criticalPath;
  // No shorter: say why (one item takes the whole time by itself) rather than print "20 天 → 20 天".
  const longest = [...b.items].sort((x, y) => (y.timeLimitDays ?? 0) - (x.timeLimitDays ?? 0))[0];
  const dayText =
    after < before
      ? t(`${days(before)} 天 → ${days(after)} 天`, `${days(before)} → ${days(after)} days`)
      : longest?.timeLimitDays
        ? t(`时限 ${days(after)} 天未缩短：「${longest.title}」本身需 ${days(longest.timeLimitDays)} 天`, `${days(after)} days, no shorter: "${longest.titleEn}" alone takes ${days(longest.timeLimitDays)}`)
        : t(`时限 ${days(after)} 天未缩短`, `${days(after)} days, no shorter`);
  return (
    <Card
      title={
        <Typography.Title level={4} style={{ margin: 0, fontSize: 18, whiteSpace: 'normal' }}>
          {title}
        </Typography.Title>
      }
      data-testid={`bundle-${b.id}`}
      style={{ height: '100%' }}
    >
      {b.description && lang === 'zh' && <Typography.Paragraph>{b.description}</Typography.Paragraph>}
      <Typography.Paragraph strong data-testid={`savings-${b.id}`} style={{ fontSize: 16 }}>
        {t(`少跑 ${visitsSaved} 次 · 少交 ${materialsSaved} 份材料 · ${dayText}`, `${visitsSaved} fewer visits · ${materialsSaved} fewer documents · ${dayText}`)}
      </Typography.Paragraph>
      <Typography.Paragraph className="muted" data-testid={`scope-${b.id}`}>
        {t(
          `${b.departments.length} 个部门 · ${b.items.length} 个事项 · 共同信息只填一次（少填 ${fieldsSaved} 项）`,
          `${b.departments.length} departments · ${b.items.length} services · shared facts asked once (${fieldsSaved} fewer fields)`,
        )}
      </Typography.Paragraph>
      <ul className="bundle-items" aria-label={t(`${title}包含的事项`, `Services in ${title}`)}>
        {b.items.map((i) => {
          const d = b.departments.find((x) => x.code === i.department);
          return (
            <li key={i.id}>
              {lang === 'en' ? i.titleEn : i.title}
              {d && <span className="muted"> · {lang === 'en' ? d.nameEn : d.name}</span>}
              {i.optional && (
                <>
                  {' '}
                  <Pill>{t('可选', 'optional')}</Pill>
                </>
              )}
            </li>
          );
        })}
      </ul>
      <Space wrap>
        <Link to={`/apply/${b.id}`} className="apply-link" data-testid={`apply-${b.id}`} aria-label={t(`开始办理：${title}`, `Apply: ${title}`)}>
          {t('开始办理', 'Apply')}
        </Link>
        {/* A city's own implementation (its lead department, limits, local services). */}
        {(b.regions ?? [])
          .filter((r) => !r.standard)
          .map((r) => (
            <Link key={r.code} to={`/apply/${b.id}?region=${r.code}`} data-testid={`apply-${b.id}-${r.code}`} aria-label={t(`在此地办理 ${r.name}：${title}`, `Apply in ${r.nameEn}: ${title}`)}>
              {lang === 'en' ? r.nameEn : r.name}
            </Link>
          ))}
      </Space>
    </Card>
  );
}
