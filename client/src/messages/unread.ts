import { useEffect, useState } from 'react';
import { api } from '../api';
import type { NotificationsPage } from '../../../shared/contracts/notices.js';

const EVENT = 'yjs:unread';

/** Tells the header's badge the count changed (the 消息中心 read something). */
export function announceUnread(unread: number): void {
  window.dispatchEvent(new CustomEvent<number>(EVENT, { detail: unread }));
}

/**
 * The signed-in applicant's unread count: fetched when the page changes (`key`) and every
 * minute, and updated at once when the 消息中心 marks something read.
 */
export function useUnread(enabled: boolean, key: string): number {
  const [unread, setUnread] = useState(0);
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    const load = () => {
      api<NotificationsPage>('GET', '/api/me/notifications?pageSize=1').then(
        (p) => live && setUnread(p.unread),
        () => undefined,
      );
    };
    load();
    const timer = window.setInterval(load, 60_000);
    const onChange = (e: Event) => setUnread((e as CustomEvent<number>).detail);
    window.addEventListener(EVENT, onChange);
    return () => {
      live = false;
      window.clearInterval(timer);
      window.removeEventListener(EVENT, onChange);
    };
  }, [enabled, key]);
  // Signed out (or not an applicant): no count, whatever was last fetched.
  return enabled ? unread : 0;
}
