import { useTranslations } from 'next-intl';

import type { ContainerView } from '@/lib/docker/types';
import styles from './log-view.module.css';

/** The project's containers as links (?container=NAME); a plain link list works without JavaScript. */
export function ContainerPicker({
  containers,
  current,
}: {
  containers: readonly ContainerView[];
  current: string | undefined;
}) {
  const t = useTranslations('logs');
  if (containers.length === 0) return null;
  const sorted = [...containers].sort(
    (a, b) => a.service.localeCompare(b.service) || a.containerNumber - b.containerNumber,
  );
  return (
    <nav aria-label={t('pickerLabel')}>
      <ul className={styles.picker} data-testid="log-picker">
        {sorted.map((container) => (
          <li key={container.id}>
            <a
              className={styles.pick}
              href={`/logs?container=${encodeURIComponent(container.name)}`}
              aria-current={container.name === current ? 'page' : undefined}
              data-testid="log-pick"
              data-container={container.name}
            >
              {container.name}
              {container.state === 'running' ? null : <span className={styles.pickState}> ({container.state})</span>}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
