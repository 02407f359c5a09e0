import { useTranslations } from 'next-intl';

import { TranslatedText } from '@/components/i18n/translated-text';
import { RunningVersionText } from '@/components/mastodon/running-version';
import { Badge } from '@/components/ui/badge';
import { ErrorBox } from '@/components/ui/error-box';
import { renderText } from '@/lib/i18n/text';
import type { RegistrationsReport } from '@/lib/mastodon/registrations';
import { since } from '@/lib/mastodon/version-facts';

const EFFECTIVE_TONE = { open: 'good', approved: 'warn', closed: 'neutral', unknown: 'neutral' } as const;

/** The registration settings as read from Postgres, with the overrides that change what they mean. */
export function RegistrationsState({ report }: { report: RegistrationsReport }) {
  const { settings, version, cache } = report;
  const t = useTranslations('registrations');
  const tAll = useTranslations();
  return (
    <div className="registrations-state" data-testid="registrations-state">
      {report.postgresError ? (
        <ErrorBox error={report.postgresError} testId="registrations-postgres-error" note={t('state.postgresNote')} />
      ) : null}
      {settings ? (
        <dl className="registrations-facts">
          <dt>{t('state.mode')}</dt>
          <dd data-testid="registrations-mode" data-mode={settings.mode.mode ?? 'unknown'}>
            {settings.mode.mode ? (
              <strong>{t(`modes.${settings.mode.mode}`)}</strong>
            ) : settings.mode.unrecognised ? (
              <strong>{t('state.unrecognisedValue')}</strong>
            ) : (
              <strong>{t('state.unknown')}</strong>
            )}{' '}
            <span className="muted" data-testid="registrations-source">
              {settings.mode.source === 'stored' ? t('state.sourceStored') : t('state.sourceDefault')}
            </span>
            {settings.mode.unrecognisedText ? (
              <div className="small">
                {t('state.storedRaw', { value: renderText(tAll, settings.mode.unrecognisedText) })}
              </div>
            ) : null}
            {settings.mode.defaultUnknown ? (
              <div className="small">
                <TranslatedText text={settings.mode.defaultUnknown} />
              </div>
            ) : null}
          </dd>
          <dt>{t('state.visitorsGet')}</dt>
          <dd>
            <Badge tone={EFFECTIVE_TONE[settings.effective]} testId="registrations-effective">
              {t(`state.effective.${settings.effective}`)}
            </Badge>
          </dd>
          <dt>{t('state.requireReason')}</dt>
          <dd data-testid="registrations-require-reason">
            {settings.requireInviteText.value ? t('state.yes') : t('state.no')}{' '}
            <span className="muted">
              {settings.mode.mode === 'approved'
                ? settings.requireInviteText.source === 'stored'
                  ? t('state.reasonStored')
                  : t('state.reasonDefault')
                : settings.requireInviteText.source === 'stored'
                  ? t('state.reasonStoredOnlyApproved')
                  : t('state.reasonDefaultOnlyApproved')}
            </span>
            {settings.requireInviteText.note ? (
              <div className="small">
                <TranslatedText text={settings.requireInviteText.note} />
              </div>
            ) : null}
          </dd>
          <dt>{t('state.closedMessage')}</dt>
          <dd data-testid="registrations-message">
            {settings.closedRegistrationsMessage.value ? (
              <pre className="registrations-message">{settings.closedRegistrationsMessage.value}</pre>
            ) : (
              <span className="muted">{t('state.noMessage')}</span>
            )}
            {settings.closedRegistrationsMessage.note ? (
              <div className="small">
                <TranslatedText text={settings.closedRegistrationsMessage.note} />
              </div>
            ) : null}
          </dd>
          <dt>{t('state.version')}</dt>
          <dd>
            <RunningVersionText running={version} testId="registrations-version" />{' '}
            <span className="muted">
              {settings.schema === 'thing-columns'
                ? t('state.schemaBefore', { release: since('settingsShape', 'var-unique') })
                : t('state.schemaSince', { release: since('settingsShape', 'var-unique') })}
            </span>
          </dd>
        </dl>
      ) : null}
      {settings?.overrides.length ? (
        <ul className="registrations-overrides" data-testid="registrations-overrides">
          {settings.overrides.map((override) => (
            <li
              key={override.code}
              className={`registrations-override registrations-override-${override.tone}`}
              data-code={override.code}
            >
              <Badge tone={override.tone}>{t(`state.badges.${override.tone}`)}</Badge>{' '}
              <TranslatedText text={override.text} />
            </li>
          ))}
        </ul>
      ) : null}
      {cache && !cache.ok ? (
        <ErrorBox error={cache.error} testId="registrations-redis-error" note={t('state.redisNote')} />
      ) : null}
    </div>
  );
}
