'use client';

import type { ReactNode } from 'react';

import { Badge } from '@/components/ui/badge';
import { ErrorBox } from '@/components/ui/error-box';
import { usePanel } from '@/components/ui/use-panel';
import type { OwnerSummary, RegistrationModeView } from '@/lib/mastodon/people';
import type { PanelResult } from '@/lib/panels/panel';
import type { PeoplePanelData } from '@/lib/panels/people';

import { formatCount } from './format';
import styles from './people-panel.module.css';
import figures from './vitals.module.css';

function Figure({
  testId,
  title,
  value,
  warn,
  detail,
}: {
  testId: string;
  title: string;
  value: number;
  warn?: boolean;
  detail?: ReactNode;
}) {
  return (
    <div
      className={warn ? `${figures.figure} ${figures.figureWarn}` : figures.figure}
      data-testid={testId}
      data-value={value}
    >
      <span className={figures.figureTitle}>{title}</span>
      <span className={figures.figureValue}>{formatCount(value)}</span>
      {detail ? <span className={figures.figureDetail}>{detail}</span> : null}
    </div>
  );
}

const EFFECTIVE_WORDS: Record<RegistrationModeView['effective'], string> = {
  open: 'anyone can sign up',
  approved: 'sign-ups wait for approval',
  closed: 'nobody can sign up',
  unknown: 'unknown',
};

function Registrations({ result }: { result: PanelResult<RegistrationModeView> }) {
  if (!result.ok) {
    return (
      <>
        <span className="muted" data-testid="people-registrations-error" data-code={result.error.code}>
          {`${result.error.title}: ${result.error.detail}`}
        </span>
        <a className={styles.change} href="/registrations" data-testid="people-registrations-change">
          change
        </a>
      </>
    );
  }
  const view = result.data;
  return (
    <>
      <Badge tone={view.mode ? 'neutral' : 'warn'} testId="people-registrations-mode">
        {view.label}
      </Badge>
      {view.source === 'default' ? <span className="muted small"> (default)</span> : null}
      <span className="muted small">{` — ${EFFECTIVE_WORDS[view.effective]}`}</span>
      <a className={styles.change} href={view.href} data-testid="people-registrations-change">
        change
      </a>
      {view.overrides.length > 0 ? (
        <ul className={styles.overrides}>
          {view.overrides.map((override) => (
            <li key={override.code} data-testid="people-registrations-override" data-code={override.code}>
              {override.message}
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}

function Owners({ owners }: { owners: OwnerSummary[] }) {
  if (owners.length === 0) {
    return (
      <span data-testid="people-owners-empty">
        <Badge tone="warn">None</Badge>{' '}
        <span className="small">No user has a role with the administrator permission.</span>{' '}
        <a className="small" href="/accounts">
          create one
        </a>
      </span>
    );
  }
  return (
    <ul className={styles.owners}>
      {owners.map((owner) => (
        <li key={owner.username} className={styles.owner} data-testid="people-owner" data-username={owner.username}>
          <span className={styles.ownerName}>@{owner.username}</span>
          {!owner.confirmed ? <Badge tone="warn">Unconfirmed</Badge> : null}
          {!owner.approved ? <Badge tone="warn">Pending approval</Badge> : null}
          {owner.disabled ? <Badge tone="bad">Disabled</Badge> : null}
          {owner.suspended ? <Badge tone="bad">Suspended</Badge> : null}
          {owner.confirmed && owner.approved && !owner.disabled && !owner.suspended ? (
            <Badge tone="good">Can sign in</Badge>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

/** Users, local posts, pending sign-ups, open reports, the Owners and the registration mode. */
export function PeoplePanel({ initial }: { initial: PanelResult<PeoplePanelData> }) {
  const result = usePanel('people', initial, 30_000);
  return (
    <section className="panel" aria-labelledby="people-title" data-testid="people-panel">
      <header className="panel-head">
        <h2 id="people-title">People and moderation</h2>
      </header>
      {!result.ok ? (
        <ErrorBox error={result.error} testId="people-error" />
      ) : (
        <>
          <div className={figures.figures}>
            <Figure testId="people-users" title="Users" value={result.data.users} detail="confirmed, not suspended" />
            <Figure testId="people-posts" title="Local posts" value={result.data.localPosts} />
            <Figure
              testId="people-pending"
              title="Pending sign-ups"
              value={result.data.pendingSignUps}
              warn={result.data.pendingSignUps > 0}
              detail={result.data.pendingSignUps > 0 ? 'Mastodon admin: Accounts, Pending' : undefined}
            />
            <Figure
              testId="people-reports"
              title="Open reports"
              value={result.data.openReports}
              warn={result.data.openReports > 0}
              detail={result.data.openReports > 0 ? 'Mastodon admin: Moderation, Reports' : undefined}
            />
          </div>
          <dl className="facts">
            <div data-testid="people-registrations">
              <dt>Registrations</dt>
              <dd>
                <Registrations result={result.data.registrations} />
              </dd>
            </div>
            <div data-testid="people-owners">
              <dt>Owners</dt>
              <dd>
                <Owners owners={result.data.owners} />
              </dd>
            </div>
          </dl>
        </>
      )}
    </section>
  );
}
