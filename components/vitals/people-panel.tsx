'use client';

import { useTranslations } from 'next-intl';
import type { ReactNode } from 'react';

import { TranslatedText } from '@/components/i18n/translated-text';
import { useFormat } from '@/components/i18n/use-format';

import { Badge } from '@/components/ui/badge';
import { ErrorBox } from '@/components/ui/error-box';
import { usePanel } from '@/components/ui/use-panel';
import { text } from '@/lib/i18n/text';
import type { OwnerSummary, RegistrationModeView } from '@/lib/mastodon/people';
import type { PanelResult } from '@/lib/panels/panel';
import type { PeoplePanelData } from '@/lib/panels/people';

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
  const format = useFormat();
  return (
    <div
      className={warn ? `${figures.figure} ${figures.figureWarn}` : figures.figure}
      data-testid={testId}
      data-value={value}
    >
      <span className={figures.figureTitle}>{title}</span>
      <span className={figures.figureValue}>{format.number(value)}</span>
      {detail ? <span className={figures.figureDetail}>{detail}</span> : null}
    </div>
  );
}

function Registrations({ result }: { result: PanelResult<RegistrationModeView> }) {
  const t = useTranslations('vitals.people');
  if (!result.ok) {
    return (
      <>
        <span className="muted" data-testid="people-registrations-error" data-code={result.error.code}>
          <TranslatedText text={text('vitals.errorLine', { title: result.error.title, detail: result.error.detail })} />
        </span>
        <a className={styles.change} href="/registrations" data-testid="people-registrations-change">
          {t('change')}
        </a>
      </>
    );
  }
  const view = result.data;
  return (
    <>
      <Badge tone={view.mode ? 'neutral' : 'warn'} testId="people-registrations-mode">
        <TranslatedText text={view.label} />
      </Badge>
      {view.source === 'default' ? <span className="muted small"> {t('default')}</span> : null}
      <span className="muted small">
        {' — '}
        {t(`effective.${view.effective}`)}
      </span>
      <a className={styles.change} href={view.href} data-testid="people-registrations-change">
        {t('change')}
      </a>
      {view.overrides.length > 0 ? (
        <ul className={styles.overrides}>
          {view.overrides.map((override) => (
            <li key={override.code} data-testid="people-registrations-override" data-code={override.code}>
              <TranslatedText text={override.text} />
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}

function Owners({ owners }: { owners: OwnerSummary[] }) {
  const t = useTranslations('vitals.people');
  if (owners.length === 0) {
    return (
      <span data-testid="people-owners-empty">
        <Badge tone="warn">{t('none')}</Badge> <span className="small">{t('noOwner')}</span>{' '}
        <a className="small" href="/accounts">
          {t('createOne')}
        </a>
      </span>
    );
  }
  return (
    <ul className={styles.owners}>
      {owners.map((owner) => (
        <li key={owner.username} className={styles.owner} data-testid="people-owner" data-username={owner.username}>
          <span className={styles.ownerName}>@{owner.username}</span>
          {!owner.confirmed ? <Badge tone="warn">{t('unconfirmed')}</Badge> : null}
          {!owner.approved ? <Badge tone="warn">{t('pendingApproval')}</Badge> : null}
          {owner.disabled ? <Badge tone="bad">{t('disabled')}</Badge> : null}
          {owner.suspended ? <Badge tone="bad">{t('suspended')}</Badge> : null}
          {owner.confirmed && owner.approved && !owner.disabled && !owner.suspended ? (
            <Badge tone="good">{t('canSignIn')}</Badge>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

/** Users, local posts, pending sign-ups, open reports, the Owners and the registration mode. */
export function PeoplePanel({ initial }: { initial: PanelResult<PeoplePanelData> }) {
  const result = usePanel('people', initial, 30_000);
  const t = useTranslations('vitals.people');
  return (
    <section className="panel" aria-labelledby="people-title" data-testid="people-panel">
      <header className="panel-head">
        <h2 id="people-title">{t('title')}</h2>
      </header>
      {!result.ok ? (
        <ErrorBox error={result.error} testId="people-error" />
      ) : (
        <>
          <div className={figures.figures}>
            <Figure testId="people-users" title={t('users')} value={result.data.users} detail={t('usersDetail')} />
            <Figure testId="people-posts" title={t('localPosts')} value={result.data.localPosts} />
            <Figure
              testId="people-pending"
              title={t('pendingSignUps')}
              value={result.data.pendingSignUps}
              warn={result.data.pendingSignUps > 0}
              detail={result.data.pendingSignUps > 0 ? t('pendingWhere') : undefined}
            />
            <Figure
              testId="people-reports"
              title={t('openReports')}
              value={result.data.openReports}
              warn={result.data.openReports > 0}
              detail={result.data.openReports > 0 ? t('reportsWhere') : undefined}
            />
          </div>
          <dl className="facts">
            <div data-testid="people-registrations">
              <dt>{t('registrations')}</dt>
              <dd>
                <Registrations result={result.data.registrations} />
              </dd>
            </div>
            <div data-testid="people-owners">
              <dt>{t('owners')}</dt>
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
