import { useTranslations } from 'next-intl';

import { TranslatedText } from '@/components/i18n/translated-text';
import type { RestoreStep } from '@/lib/backups/restore-commands';

import styles from './backups.module.css';

/** The restore commands of one backup, folded away: they replace the live database. */
export function RestoreCommands({ steps }: { steps: RestoreStep[] }) {
  const t = useTranslations('backups.restoring');
  return (
    <details className={styles.restore}>
      <summary>{t('commands')}</summary>
      <p className="small">{t('warning')}</p>
      <ol className={styles.steps} data-testid="restore-commands">
        {steps.map((step) => (
          <li key={step.command}>
            <span className="small">
              <TranslatedText text={step.what} />
            </span>
            <pre className={styles.command} tabIndex={0}>
              <code>{step.command}</code>
            </pre>
          </li>
        ))}
      </ol>
    </details>
  );
}
