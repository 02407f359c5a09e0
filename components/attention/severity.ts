import type { Tone } from '@/components/containers/format';
import type { Severity } from '@/lib/attention/types';

/** A severity as a badge: a word and a tone (the badge adds a shape), for "Needs attention" and the Alerts page. */
export const SEVERITY_BADGE: Record<Severity, { tone: Tone; word: string }> = {
  critical: { tone: 'bad', word: 'Critical' },
  warning: { tone: 'warn', word: 'Warning' },
  info: { tone: 'neutral', word: 'Info' },
};
