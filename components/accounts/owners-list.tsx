import { useTranslations } from 'next-intl';

import { Badge } from '@/components/ui/badge';
import type { OwnerView } from '@/lib/mastodon/accounts';

/** Local users whose role carries the administrator permission. */
export function OwnersList({ owners }: { owners: OwnerView[] }) {
  const t = useTranslations('accounts.owners');
  if (owners.length === 0) {
    return (
      <p className="empty" data-testid="owners-empty">
        {t('empty')}
      </p>
    );
  }
  return (
    <ul className="owners" data-testid="owners">
      {owners.map((owner) => (
        <li key={owner.username} className="owner" data-testid="owner" data-username={owner.username}>
          <span className="owner-name">@{owner.username}</span>
          <span className="muted small">{owner.email}</span>
          <span className="badges">
            <Badge tone="neutral">{owner.role}</Badge>
            <Badge tone={owner.confirmed ? 'good' : 'warn'}>
              {owner.confirmed ? t('confirmed') : t('unconfirmed')}
            </Badge>
            <Badge tone={owner.approved ? 'good' : 'warn'}>{owner.approved ? t('approved') : t('pending')}</Badge>
            {owner.disabled ? <Badge tone="bad">{t('disabled')}</Badge> : null}
          </span>
        </li>
      ))}
    </ul>
  );
}
