import { useState } from 'react';
import { Alert, Button, Card, Input, Typography } from 'antd';
import { api, ApiError } from '../api';
import { useI18n } from '../i18n';
import type { Rating } from './types';

/** The national 好差评 scale. */
export const RATING_LABELS: readonly { score: number; zh: string; en: string }[] = [
  { score: 1, zh: '非常不满意', en: 'Very dissatisfied' },
  { score: 2, zh: '不满意', en: 'Dissatisfied' },
  { score: 3, zh: '基本满意', en: 'Fairly satisfied' },
  { score: 4, zh: '满意', en: 'Satisfied' },
  { score: 5, zh: '非常满意', en: 'Very satisfied' },
];

const MAX_COMMENT = 500;

interface Props {
  /** Where the rating is sent: the application's, or one item's (一事一评). */
  endpoint: string;
  rating: Rating | null;
  onRated(r: Rating): void;
  /** What is rated, as the heading says it; the whole application by default. */
  heading?: string;
  /** Prefix of the test ids and form ids, so several cards can share a page. */
  prefix?: string;
}

/** 好差评: once the application (or one department's item) is finished, once, and then shown as given. */
export function RatingCard({ endpoint, rating, onRated, heading, prefix = '' }: Props) {
  const { t, lang } = useI18n();
  const [score, setScore] = useState<number | null>(null);
  const [comment, setComment] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const label = (n: number) => {
    const l = RATING_LABELS.find((x) => x.score === n);
    return l ? l[lang] : String(n);
  };
  const title = <Typography.Title level={heading ? 4 : 3} style={{ margin: 0, fontSize: heading ? 15 : 16 }}>{heading ?? t('服务评价（好差评）', 'Rate this service')}</Typography.Title>;

  if (rating) {
    return (
      <Card size="small" title={title} data-testid={`${prefix}rating`}>
        <Typography.Paragraph style={{ marginBottom: 4 }} data-testid={`${prefix}rating-given`}>
          {t('您的评价：', 'Your rating: ')}<strong>{rating.score}</strong> · {label(rating.score)}
        </Typography.Paragraph>
        {rating.comment && <Typography.Paragraph style={{ marginBottom: 0 }}>“{rating.comment}”</Typography.Paragraph>}
      </Card>
    );
  }

  const send = async () => {
    if (score === null) {
      setProblem(t('请选择评分', 'Choose a score'));
      return;
    }
    setSending(true);
    setProblem(null);
    try {
      onRated(await api<Rating>('POST', endpoint, { score, ...(comment.trim() ? { comment } : {}) }));
    } catch (e) {
      setSending(false);
      setProblem(e instanceof ApiError ? (lang === 'en' ? e.messageEn : e.message) : String(e));
    }
  };

  return (
    <Card size="small" title={title} data-testid={`${prefix}rating`}>
      <fieldset className="sf-field">
        <legend className="sf-label">{t('您对本次办理是否满意？', 'How satisfied are you with this service?')}</legend>
        <div className="sf-choices rating-choices">
          {RATING_LABELS.map((l) => (
            <label key={l.score} className="sf-choice">
              <input type="radio" name={`${prefix}rating-score`} value={l.score} checked={score === l.score} onChange={() => {
                  setScore(l.score);
                  // The complaint was about the missing score: it goes once one is chosen.
                  setProblem(null);
                }} data-testid={`${prefix}score-${l.score}`} />
              <span>
                {l.score} · {l[lang]}
              </span>
            </label>
          ))}
        </div>
      </fieldset>
      <div className="sf-field">
        <label className="sf-label" htmlFor={`${prefix}rating-comment`}>
          {t('评价内容（选填）', 'Comment (optional)')}
        </label>
        <Input.TextArea id={`${prefix}rating-comment`} value={comment} onChange={(e) => setComment(e.target.value)} maxLength={MAX_COMMENT} showCount rows={3} style={{ maxWidth: 560 }} />
      </div>
      {problem && <Alert type="error" showIcon role="alert" title={problem} style={{ marginBottom: 12 }} />}
      <Button type="primary" onClick={() => void send()} loading={sending} disabled={sending} data-testid={`${prefix}send-rating`}>
        {t('提交评价', 'Send rating')}
      </Button>
    </Card>
  );
}
