import type { RestoreStep } from '@/lib/backups/restore-commands';

import styles from './backups.module.css';

/** The restore commands of one backup, folded away: they replace the live database. */
export function RestoreCommands({ steps }: { steps: RestoreStep[] }) {
  return (
    <details className={styles.restore}>
      <summary>Restore commands</summary>
      <p className="small">
        On the server, in this order. They replace the live database with this backup: everything written since it was
        taken is lost.
      </p>
      <ol className={styles.steps} data-testid="restore-commands">
        {steps.map((step) => (
          <li key={step.command}>
            <span className="small">{step.what}</span>
            <pre className={styles.command} tabIndex={0}>
              <code>{step.command}</code>
            </pre>
          </li>
        ))}
      </ol>
    </details>
  );
}
