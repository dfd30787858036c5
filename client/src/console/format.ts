/** "3 分钟" / "3 min": how long ago an instant was, coarse on purpose. */
export function since(iso: string, now: number, t: (zh: string, en: string) => string): string {
  const s = Math.max(0, Math.round((now - new Date(iso).getTime()) / 1000));
  if (s < 60) return t(`${s} 秒`, `${s} s`);
  const m = Math.round(s / 60);
  if (m < 60) return t(`${m} 分钟`, `${m} min`);
  const h = Math.round(m / 60);
  if (h < 48) return t(`${h} 小时`, `${h} h`);
  return t(`${Math.round(h / 24)} 天`, `${Math.round(h / 24)} days`);
}
