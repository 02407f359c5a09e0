'use client';

import type { Tone } from '@/components/containers/format';
import { Badge } from '@/components/ui/badge';
import { ErrorBox } from '@/components/ui/error-box';
import { usePanel } from '@/components/ui/use-panel';
import type { Finding, Severity } from '@/lib/mastodon/config-doctor';
import type { DoctorPanelData } from '@/lib/panels/doctor';
import type { PanelResult } from '@/lib/panels/panel';

import styles from './doctor-panel.module.css';

const SEVERITY: Record<Severity, { tone: Tone; word: string; group: string }> = {
  error: { tone: 'bad', word: 'Problem', group: 'Problems' },
  warning: { tone: 'warn', word: 'Warning', group: 'Warnings' },
  info: { tone: 'neutral', word: 'Note', group: 'Notes' },
  ok: { tone: 'good', word: 'OK', group: 'Passed' },
};

function FindingItem({ finding }: { finding: Finding }) {
  const { tone, word } = SEVERITY[finding.severity];
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
        <Badge tone={tone}>{word}</Badge>
        <strong className={styles.title}>{finding.title}</strong>
      </div>
      <p className={styles.why}>{finding.why}</p>
      {finding.fix ? (
        <p className={styles.fix}>
          <span className={styles.fixLabel}>Fix:</span> {finding.fix}
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

function sourceLine({ dir, envFile, composeFile, version, versionSource }: DoctorPanelData): string {
  const envName = envFile.startsWith(`${dir}/`) ? envFile.slice(dir.length + 1) : envFile;
  const files = composeFile ? `${envName} and ${composeFile}` : envName;
  const against = version
    ? ` against the rules of Mastodon ${version}${versionSource ? ` (from ${versionSource})` : ''}`
    : '';
  return (
    `Checked ${files} in ${dir}${against}. Values are never shown, only whether a key is` +
    ` present, missing or suspicious.`
  );
}

/**
 * The config doctor: what is missing or suspicious in .env.production and the compose file for the
 * running Mastodon version, with why and how to fix it. It shows key names only, never values.
 */
export function DoctorPanel({ initial }: { initial: PanelResult<DoctorPanelData> }) {
  const result = usePanel('doctor', initial, 60_000);
  return (
    <section className="panel" aria-labelledby="doctor-title" data-testid="doctor-panel">
      <header className="panel-head">
        <h2 id="doctor-title">Configuration</h2>
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
            {result.data.summaryLine}
          </p>
          <p
            className={`small muted ${styles.source}`}
            data-testid="doctor-source"
            data-version={result.data.version}
            data-version-source={result.data.versionSource}
          >
            {sourceLine(result.data)}
          </p>
          {(['error', 'warning', 'info'] as const).map((severity) => {
            const findings = result.data.findings.filter((finding) => finding.severity === severity);
            if (findings.length === 0) return null;
            return (
              <section
                key={severity}
                className={styles.group}
                data-testid={`doctor-group-${severity}`}
                aria-label={SEVERITY[severity].group}
              >
                <h3 className={styles.groupTitle}>{`${SEVERITY[severity].group} (${findings.length})`}</h3>
                <FindingList findings={findings} />
              </section>
            );
          })}
          {result.data.summary.passed > 0 ? (
            <details className={`${styles.group} ${styles.passed}`} data-testid="doctor-group-ok">
              <summary>
                {`${result.data.summary.passed} ${result.data.summary.passed === 1 ? 'check' : 'checks'} passed`}
              </summary>
              <FindingList findings={result.data.findings.filter((finding) => finding.severity === 'ok')} />
            </details>
          ) : null}
        </>
      )}
    </section>
  );
}
