import { Badge } from '@/components/ui/badge';
import type { OwnerView } from '@/lib/mastodon/accounts';

/** Local users whose role carries the administrator permission. */
export function OwnersList({ owners }: { owners: OwnerView[] }) {
  if (owners.length === 0) {
    return (
      <p className="empty" data-testid="owners-empty">
        No account has a role with the administrator permission yet. Create one above.
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
            <Badge tone={owner.confirmed ? 'good' : 'warn'}>{owner.confirmed ? 'Confirmed' : 'Unconfirmed'}</Badge>
            <Badge tone={owner.approved ? 'good' : 'warn'}>{owner.approved ? 'Approved' : 'Pending approval'}</Badge>
            {owner.disabled ? <Badge tone="bad">Disabled</Badge> : null}
          </span>
        </li>
      ))}
    </ul>
  );
}
