import { useLocale, useTranslations } from 'next-intl';

import type { MediaDiagnosis } from '@/lib/mastodon/media-verdict';
import { Badge } from '@/components/ui/badge';
import { TranslatedText } from '@/components/i18n/translated-text';
import { formatFor } from '@/lib/i18n/format';
import { STATUS_TONES } from './fix-result';

function Time({ iso }: { iso: string }) {
  const format = formatFor(useLocale());
  return (
    <time dateTime={iso} suppressHydrationWarning>
      {format.dateTime(new Date(iso), { seconds: true })}
    </time>
  );
}

/** What is wrong with the media folder and the evidence: owner found and expected, mode, the probe, the log line. */
export function DiagnosisView({ diagnosis, testId }: { diagnosis: MediaDiagnosis; testId?: string }) {
  const t = useTranslations('media.diagnosis');
  const tStatus = useTranslations('media.status');
  const { evidence, verdict } = diagnosis;
  const ownerNames = `${evidence.found.user}:${evidence.found.group}`;
  return (
    <div className={`media-diagnosis media-${verdict.status}`} data-testid={testId} data-status={verdict.status}>
      <div className="media-verdict">
        <Badge tone={STATUS_TONES[verdict.status]}>{tStatus(verdict.status)}</Badge>
        <strong>
          <TranslatedText text={verdict.title} />
        </strong>
      </div>
      {verdict.problems.length > 0 ? (
        <ul className="media-problems">
          {verdict.problems.map((problem) => (
            <li key={problem.key}>
              <TranslatedText text={problem} />
            </li>
          ))}
        </ul>
      ) : null}
      <dl className="facts media-facts">
        <dt>{t('container')}</dt>
        <dd className="mono">{evidence.container}</dd>
        <dt>{t('folder')}</dt>
        <dd>
          <span className="mono">{evidence.path}</span>
          {evidence.hostPath ? (
            <span className="muted">
              {' '}
              {t('onHost')} <span className="mono">{evidence.hostPath}</span>
            </span>
          ) : null}
        </dd>
        <dt>{t('ownerFound')}</dt>
        <dd className="mono" data-testid="media-owner-found">
          {evidence.found.uid}:{evidence.found.gid}
          {ownerNames !== `${evidence.found.uid}:${evidence.found.gid}` ? ` (${ownerNames})` : ''}
        </dd>
        <dt>{t('expected')}</dt>
        <dd>
          <span className="mono" data-testid="media-owner-expected">
            {evidence.expected.uid}:{evidence.expected.gid}
          </span>{' '}
          <span className="muted">{evidence.expectedFrom === 'image' ? t('expectedImage') : t('expectedDefault')}</span>
        </dd>
        <dt>{t('mode')}</dt>
        <dd className="mono">{evidence.found.mode}</dd>
        <dt>{t('writable')}</dt>
        <dd data-testid="media-writable">
          {evidence.writable
            ? t('writableYes', { uid: evidence.expected.uid })
            : t('writableNo', { uid: evidence.expected.uid })}
        </dd>
        <dt>{t('changed')}</dt>
        <dd>
          <Time iso={evidence.found.changedAt} />
        </dd>
        <dt>{t('log')}</dt>
        <dd data-testid="media-log">
          {evidence.log ? (
            <>
              {t('logSeen', { count: evidence.log.count, searched: evidence.log.searched })}{' '}
              <Time iso={evidence.log.at} />
              <pre className="output-block">{evidence.log.line}</pre>
            </>
          ) : (
            <span className="muted">{t('logNone')}</span>
          )}
        </dd>
      </dl>
      {verdict.notes.length > 0 ? (
        <ul className="media-notes muted">
          {verdict.notes.map((note) => (
            <li key={note.key}>
              <TranslatedText text={note} />
            </li>
          ))}
        </ul>
      ) : null}
      <p className="muted small">
        {t('checked')} <Time iso={evidence.checkedAt} />.
      </p>
    </div>
  );
}
