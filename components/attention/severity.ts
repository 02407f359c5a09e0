import type { Tone } from '@/components/containers/format';
import type { Severity } from '@/lib/attention/types';

/**
 * A severity as a badge: a tone (the badge adds a shape), for "Needs attention" and the Alerts page. The shown word
 * is the message `attention.severity.<severity>`; `word` is its English, kept for callers not yet translated.
 */
export const SEVERITY_BADGE: Record<Severity, { tone: Tone; word: string }> = {
  critical: { tone: 'bad', word: 'Critical' },
  warning: { tone: 'warn', word: 'Warning' },
  info: { tone: 'neutral', word: 'Info' },
};
