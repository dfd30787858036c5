import type { PrefillSource } from '../../../../shared/evaluate.js';

/**
 * The note beside each prefilled field of a section (SchemaFormContext.badges): where the value
 * came from, and that the applicant cannot change it. The portal and the studio's preview alike.
 */
export function prefillBadges(elements: readonly { key: string; prefill: PrefillSource | null }[], t: (zh: string, en: string) => string): Record<string, string> {
  const badges: Record<string, string> = {};
  for (const e of elements) {
    if (e.prefill === 'identity') badges[e.key] = t('来自实名认证，不可修改', 'From your verified identity; read-only');
    else if (e.prefill === 'sharing') badges[e.key] = t('经数据共享获取，不可修改', 'From data sharing; read-only');
  }
  return badges;
}
