import type { Database } from '../db/types.js';
import type { User } from '../auth/types.js';
import { isUuid } from '../applications/service.js';
import { redactText } from '../redact.js';
import { maskMobile, maskName } from '../../shared/identifiers.js';
import { renderInbox, renderSms, type NoticeEvent, type NoticeFacts, type RenderInput } from '../../shared/notice-templates.js';
import type { NotificationsPage, NotificationsQuery, NotificationSettings, ParkedNotice } from '../../shared/contracts/notices.js';
import { NoticeNotFoundError, NoticeNotParkedError } from './errors.js';

interface DepartmentNames {
  get(code: string): { name: string; nameEn: string } | undefined;
}

/** The 消息中心 of a signed-in person, their SMS choice, and the operators' view of parked notices. */
export class NoticeService {
  constructor(
    private readonly db: Database,
    private readonly departments: DepartmentNames,
  ) {}

  private facts(payload: NoticeFacts): RenderInput {
    const d = payload.department ? this.departments.get(payload.department) : undefined;
    return { ...payload, ...(d ? { departmentName: { zh: d.name, en: d.nameEn } } : {}) };
  }

  private async unread(userId: string): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM notices WHERE user_id = $1 AND channel = 'inbox' AND read_at IS NULL`,
      [userId],
    );
    return rows[0]?.n ?? 0;
  }

  /** Newest first, paged, with the unread count. */
  async list(user: User, query: NotificationsQuery): Promise<NotificationsPage> {
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 20;
    const { rows } = await this.db.query<{ id: string; event: NoticeEvent; payload: NoticeFacts; application_id: string | null; created_at: Date; read_at: Date | null; total: number }>(
      `SELECT id, event, payload, application_id, created_at, read_at, count(*) OVER ()::int AS total
         FROM notices WHERE user_id = $1 AND channel = 'inbox'
        ORDER BY seq DESC LIMIT $2 OFFSET $3`,
      [user.id, pageSize, (page - 1) * pageSize],
    );
    const total = rows[0]?.total ?? (page > 1 ? (await this.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM notices WHERE user_id = $1 AND channel = 'inbox'`, [user.id])).rows[0]?.n ?? 0 : 0);
    return {
      total,
      unread: await this.unread(user.id),
      page,
      pageSize,
      rows: rows.map((r) => {
        const f = this.facts(r.payload);
        const zh = renderInbox(f, 'zh');
        const en = renderInbox(f, 'en');
        return {
          id: r.id,
          event: r.event,
          title: zh.title,
          titleEn: en.title,
          body: zh.body,
          bodyEn: en.body,
          applicationId: r.application_id,
          createdAt: new Date(r.created_at).toISOString(),
          read: r.read_at !== null,
        };
      }),
    };
  }

  async markRead(user: User, id: string): Promise<{ unread: number }> {
    if (!isUuid(id)) throw new NoticeNotFoundError();
    const { rows } = await this.db.query<{ id: string }>(
      `UPDATE notices SET read_at = COALESCE(read_at, now()) WHERE id = $1 AND user_id = $2 AND channel = 'inbox' RETURNING id`,
      [id, user.id],
    );
    if (!rows[0]) throw new NoticeNotFoundError();
    return { unread: await this.unread(user.id) };
  }

  async markAllRead(user: User): Promise<{ unread: number }> {
    await this.db.query(`UPDATE notices SET read_at = now() WHERE user_id = $1 AND channel = 'inbox' AND read_at IS NULL`, [user.id]);
    return { unread: 0 };
  }

  async settings(user: User): Promise<NotificationSettings> {
    const { rows } = await this.db.query<{ mobile: string | null; sms: boolean | null }>(
      `SELECT u.mobile, ns.sms FROM users u LEFT JOIN notification_settings ns ON ns.user_id = u.id WHERE u.id = $1`,
      [user.id],
    );
    const r = rows[0];
    return { sms: r?.sms ?? true, mobile: r?.mobile ? maskMobile(r.mobile) : null };
  }

  async saveSettings(user: User, body: { sms: boolean }): Promise<NotificationSettings> {
    await this.db.query(
      `INSERT INTO notification_settings (user_id, sms) VALUES ($1, $2)
       ON CONFLICT (user_id) DO UPDATE SET sms = EXCLUDED.sms, updated_at = now()`,
      [user.id, body.sms],
    );
    return this.settings(user);
  }

  /** Notices in a state (default: parked), newest first, for the operators. */
  async parked(state: 'queued' | 'sent' | 'dead'): Promise<ParkedNotice[]> {
    const { rows } = await this.db.query<{
      id: string; event: NoticeEvent; channel: 'inbox' | 'sms'; state: 'queued' | 'sent' | 'dead'; payload: NoticeFacts; attempts: number;
      last_error: string | null; created_at: Date; updated_at: Date; name: string; mobile: string | null;
    }>(
      `SELECT n.id, n.event, n.channel, n.state, n.payload, n.attempts, n.last_error, n.created_at, n.updated_at, u.name, u.mobile
         FROM notices n JOIN users u ON u.id = n.user_id
        WHERE n.state = $1 AND n.channel <> 'inbox'
        ORDER BY n.updated_at DESC LIMIT 200`,
      [state],
    );
    return rows.map((r) => ({
      id: r.id,
      event: r.event,
      channel: r.channel,
      state: r.state,
      recipient: maskName(r.name),
      mobile: r.mobile ? maskMobile(r.mobile) : null,
      summary: renderSms(this.facts(r.payload)),
      attempts: r.attempts,
      lastError: r.last_error === null ? null : redactText(r.last_error),
      createdAt: new Date(r.created_at).toISOString(),
      updatedAt: new Date(r.updated_at).toISOString(),
    }));
  }

  /** Queues a parked notice again with a fresh budget; its idempotency key (its id) stays, so it is still one message. */
  async retry(id: string): Promise<{ id: string; state: 'queued' }> {
    if (!isUuid(id)) throw new NoticeNotFoundError();
    return this.db.transaction(async (tx) => {
      const { rows } = await tx.query<{ state: string }>(`SELECT state FROM notices WHERE id = $1 AND channel <> 'inbox' FOR UPDATE`, [id]);
      if (!rows[0]) throw new NoticeNotFoundError();
      if (rows[0].state !== 'dead') throw new NoticeNotParkedError(rows[0].state);
      await tx.query(
        `UPDATE notices SET state = 'queued', retry_base = attempts, first_attempt_at = NULL, next_attempt_at = now(), updated_at = now() WHERE id = $1`,
        [id],
      );
      return { id, state: 'queued' as const };
    });
  }
}
