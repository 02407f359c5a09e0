'use client';

import { useTranslations } from 'next-intl';

import type { Tone } from '@/components/containers/format';
import { TranslatedText } from '@/components/i18n/translated-text';
import { Badge } from '@/components/ui/badge';
import { ErrorBox } from '@/components/ui/error-box';
import { usePanel } from '@/components/ui/use-panel';
import { renderText } from '@/lib/i18n/text';
import type { Finding, Severity } from '@/lib/mastodon/config-doctor';
import type { DoctorPanelData } from '@/lib/panels/doctor';
import type { PanelResult } from '@/lib/panels/panel';

import styles from './doctor-panel.module.css';

const TONES: Record<Severity, Tone> = { error: 'bad', warning: 'warn', info: 'neutral', ok: 'good' };

function FindingItem({ finding }: { finding: Finding }) {
  const t = useTranslations('vitals.doctor');
  const tone = TONES[finding.severity];
  return (
    <li
      className={`${styles.finding} ${styles[finding.severity] ?? ''}`}
      data-testid="doctor-finding"
      data-id={finding.id}
      data-severity={finding.severity}
      data-key={finding.key}
      data-service={finding.service}
    >
      <div className={styles.head}>
        <Badge tone={tone}>{t(`word.${finding.severity}`)}</Badge>
        <strong className={styles.title}>
          <TranslatedText text={finding.title} />
        </strong>
      </div>
      <p className={styles.why}>
        <TranslatedText text={finding.why} />
      </p>
      {finding.fix ? (
        <p className={styles.fix}>
          <span className={styles.fixLabel}>{t('fix')}</span> <TranslatedText text={finding.fix} />
        </p>
      ) : null}
    </li>
  );
}

function FindingList({ findings }: { findings: Finding[] }) {
  return (
    <ul className={styles.list}>
      {findings.map((finding, index) => (
        <FindingItem key={`${finding.id}:${finding.key ?? ''}:${finding.service ?? ''}:${index}`} finding={finding} />
      ))}
    </ul>
  );
}

function SourceLine({ dir, envFile, composeFile, version, versionFrom }: DoctorPanelData) {
  const t = useTranslations('vitals.doctor');
  const root = useTranslations();
  const envName = envFile.startsWith(`${dir}/`) ? envFile.slice(dir.length + 1) : envFile;
  const files = composeFile ? t('filesBoth', { env: envName, compose: composeFile }) : envName;
  const against = version
    ? versionFrom
      ? t('againstFrom', { version, source: renderText(root, versionFrom) })
      : t('against', { version })
    : '';
  return t('source', { files, dir, against });
}

/**
 * The config doctor: what is missing or suspicious in .env.production and the compose file for the
 * running Mastodon version, with why and how to fix it. It shows key names only, never values.
 */
export function DoctorPanel({ initial }: { initial: PanelResult<DoctorPanelData> }) {
  const result = usePanel('doctor', initial, 60_000);
  const t = useTranslations('vitals.doctor');
  return (
    <section className="panel" aria-labelledby="doctor-title" data-testid="doctor-panel">
      <header className="panel-head">
        <h2 id="doctor-title">{t('title')}</h2>
      </header>
      {!result.ok ? (
        <ErrorBox error={result.error} testId="doctor-error" />
      ) : (
        <>
          <p
            className={styles.summary}
            data-testid="doctor-summary"
            data-problems={result.data.summary.problems}
            data-warnings={result.data.summary.warnings}
          >
            <TranslatedText text={result.data.summaryLine} />
          </p>
          <p
            className={`small muted ${styles.source}`}
            data-testid="doctor-source"
            data-version={result.data.version}
            data-version-source={result.data.versionSource}
          >
            <SourceLine {...result.data} />
          </p>
          {(['error', 'warning', 'info'] as const).map((severity) => {
            const findings = result.data.findings.filter((finding) => finding.severity === severity);
            if (findings.length === 0) return null;
            return (
              <section
                key={severity}
                className={styles.group}
                data-testid={`doctor-group-${severity}`}
                aria-label={t(`group.${severity}`)}
              >
                <h3 className={styles.groupTitle}>
                  {t('groupCount', { group: t(`group.${severity}`), count: findings.length })}
                </h3>
                <FindingList findings={findings} />
              </section>
            );
          })}
          {result.data.summary.passed > 0 ? (
            <details className={`${styles.group} ${styles.passed}`} data-testid="doctor-group-ok">
              <summary>{t('passed', { count: result.data.summary.passed })}</summary>
              <FindingList findings={result.data.findings.filter((finding) => finding.severity === 'ok')} />
            </details>
          ) : null}
        </>
      )}
    </section>
  );
}
