import { RunningVersionText } from '@/components/mastodon/running-version';
import { Badge } from '@/components/ui/badge';
import { ErrorBox } from '@/components/ui/error-box';
import type { RegistrationsReport } from '@/lib/mastodon/registrations';
import { since } from '@/lib/mastodon/version-facts';

const MODE_WORDS = { open: 'Open', approved: 'Approval required', none: 'Closed' } as const;
const EFFECTIVE = {
  open: { tone: 'good', text: 'Anyone can sign up' },
  approved: { tone: 'warn', text: 'Sign-ups wait for approval' },
  closed: { tone: 'neutral', text: 'Nobody can sign up' },
  unknown: { tone: 'neutral', text: 'Unknown' },
} as const;

/** The registration settings as read from Postgres, with the overrides that change what they mean. */
export function RegistrationsState({ report }: { report: RegistrationsReport }) {
  const { settings, version, cache } = report;
  return (
    <div className="registrations-state" data-testid="registrations-state">
      {report.postgresError ? (
        <ErrorBox
          error={report.postgresError}
          testId="registrations-postgres-error"
          note="The mode cannot be read or changed until Postgres answers."
        />
      ) : null}
      {settings ? (
        <dl className="registrations-facts">
          <dt>Registration mode</dt>
          <dd data-testid="registrations-mode" data-mode={settings.mode.mode ?? 'unknown'}>
            {settings.mode.mode ? (
              <strong>{MODE_WORDS[settings.mode.mode]}</strong>
            ) : settings.mode.unrecognised ? (
              <strong>Unrecognised value</strong>
            ) : (
              <strong>Unknown</strong>
            )}{' '}
            <span className="muted" data-testid="registrations-source">
              {settings.mode.source === 'stored' ? '(stored setting)' : '(default: no setting stored)'}
            </span>
            {settings.mode.unrecognised ? <div className="small">Stored: {settings.mode.unrecognised}</div> : null}
            {settings.mode.defaultUnknown ? <div className="small">{settings.mode.defaultUnknown}</div> : null}
          </dd>
          <dt>What visitors get</dt>
          <dd>
            <Badge tone={EFFECTIVE[settings.effective].tone} testId="registrations-effective">
              {EFFECTIVE[settings.effective].text}
            </Badge>
          </dd>
          <dt>Require a reason to join</dt>
          <dd data-testid="registrations-require-reason">
            {settings.requireInviteText.value ? 'Yes' : 'No'}{' '}
            <span className="muted">
              ({settings.requireInviteText.source === 'stored' ? 'stored' : 'default'}
              {settings.mode.mode === 'approved' ? '' : '; only matters when approval is required'})
            </span>
            {settings.requireInviteText.note ? <div className="small">{settings.requireInviteText.note}</div> : null}
          </dd>
          <dt>Closed-registrations message</dt>
          <dd data-testid="registrations-message">
            {settings.closedRegistrationsMessage.value ? (
              <pre className="registrations-message">{settings.closedRegistrationsMessage.value}</pre>
            ) : (
              <span className="muted">none</span>
            )}
            {settings.closedRegistrationsMessage.note ? (
              <div className="small">{settings.closedRegistrationsMessage.note}</div>
            ) : null}
          </dd>
          <dt>Mastodon version</dt>
          <dd>
            <RunningVersionText running={version} testId="registrations-version" />{' '}
            <span className="muted">
              (settings table:{' '}
              {settings.schema === 'thing-columns'
                ? `the shape before ${since('settingsShape', 'var-unique')}`
                : `the ${since('settingsShape', 'var-unique')}+ shape`}
              )
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
              <Badge tone={override.tone}>
                {override.tone === 'neutral' ? 'Note' : override.tone === 'bad' ? 'Override' : 'Warning'}
              </Badge>{' '}
              {override.message}
            </li>
          ))}
        </ul>
      ) : null}
      {cache && !cache.ok ? (
        <ErrorBox
          error={cache.error}
          testId="registrations-redis-error"
          note={
            'A change is still written to Postgres, ' +
            'but running Mastodon may serve the old mode for up to 10 minutes.'
          }
        />
      ) : null}
    </div>
  );
}
