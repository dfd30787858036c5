import { describe, it, expect } from 'vitest';
import { NOTICE_EVENTS, maskNoticeText, renderInbox, renderSms, type RenderInput } from '../../shared/notice-templates.js';

const BASE: Omit<RenderInput, 'event'> = {
  bundleTitle: '新生儿出生一件事',
  number: null,
  submittedAt: '2026-12-03T06:05:00.000Z',
  at: '2026-12-03T07:30:00.000Z',
  itemTitle: '出生医学证明',
  department: 'health',
  departmentName: { zh: '卫生健康委员会', en: 'Health Commission' },
};

describe('notice templates', () => {
  it('render every event in Chinese and English, in Beijing time, without ids', () => {
    for (const event of NOTICE_EVENTS) {
      const f = { ...BASE, event, reason: '材料不清晰', materials: ['出生医学记录'], fields: 1 };
      for (const lang of ['zh', 'en'] as const) {
        const r = renderInbox(f, lang);
        expect(r.title.length).toBeGreaterThan(0);
        expect(r.body).not.toMatch(/T\d{2}:\d{2}|Z\b/);
      }
      const sms = renderSms(f);
      expect(sms.startsWith('【一件事一次办】')).toBe(true);
      expect(sms.length).toBeLessThanOrEqual(70);
    }
    expect(renderInbox({ ...BASE, event: 'submitted' }, 'zh').body).toBe('您的「新生儿出生一件事」已于 2026-12-03 14:05（北京时间）提交，各部门将依次办理。');
    expect(renderSms({ ...BASE, event: 'accepted' })).toBe('【一件事一次办】卫生健康委员会已受理「出生医学证明」。');
  });

  it('carry the application number once there is one', () => {
    expect(renderInbox({ ...BASE, event: 'submitted', number: '430100-20261203-0001' }, 'zh').body).toContain('办件编号 430100-20261203-0001');
    expect(renderSms({ ...BASE, event: 'completed', number: '430100-20261203-0001' })).toContain('（430100-20261203-0001）');
  });

  it('say what a 补正 asks for, and by when when there is a deadline', () => {
    const f: RenderInput = { ...BASE, event: 'supplement', materials: ['出生医学记录', '户口簿'], fields: 2, dueBy: '2026-12-10T09:00:00.000Z', reason: null };
    expect(renderInbox(f, 'zh').body).toContain('「出生医学记录」、「户口簿」及 2 项信息，请于 2026-12-10 17:00 前补正');
    expect(renderInbox(f, 'en').body).toContain('"出生医学记录", "户口簿" and 2 items of information, by 2026-12-10 17:00 (Beijing time)');
    expect(renderSms(f)).toContain('请于2026-12-10 17:00前补正');
  });

  it('mask identity numbers and mobiles a department typed, and drop internal ids', () => {
    const text = maskNoticeText('父亲 430104199003151237 电话 13912345678 记录 3f0c1a2b-1111-2222-3333-444455556666');
    expect(text).toBe('父亲 4301**********1237 电话 139****5678 记录 …');
    const refused = renderSms({ ...BASE, event: 'refused', reason: '身份证号 430104199003151237 与户籍登记不一致，请到户籍窗口核对后重新申请' });
    expect(refused).toContain('4301**********1237');
    expect(refused).toContain('…');
  });
});
