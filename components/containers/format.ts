import type { ContainerState, ContainerView, HealthState } from '@/lib/docker/types';
import { formatFor, type Format } from '@/lib/i18n/format';
import { text, type MessageKey, type Text } from '@/lib/i18n/text';

/**
 * Human durations for uptime and "stopped … ago": the two largest units, e.g. "3 d 4 h", "12 min". Pass the
 * reader's Format (`useFormat()` / `await getFormat()`); without one it is English.
 */
export function formatDuration(ms: number, format: Format = formatFor('en')): string {
  return format.duration(ms);
}

/** The message key of each state's word (containers.state.*). */
export const STATE_WORDS: Record<ContainerState, MessageKey> = {
  running: 'containers.state.running',
  restarting: 'containers.state.restarting',
  paused: 'containers.state.paused',
  exited: 'containers.state.exited',
  created: 'containers.state.created',
  dead: 'containers.state.dead',
  removing: 'containers.state.removing',
};

/** The message key of each health's word (containers.health.*). */
export const HEALTH_WORDS: Record<HealthState, MessageKey> = {
  healthy: 'containers.health.healthy',
  unhealthy: 'containers.health.unhealthy',
  starting: 'containers.health.starting',
  none: 'containers.health.none',
};

export type Tone = 'good' | 'warn' | 'bad' | 'neutral';

export function stateTone(state: ContainerState): Tone {
  if (state === 'running') return 'good';
  if (state === 'restarting' || state === 'paused' || state === 'created' || state === 'removing') return 'warn';
  return 'bad';
}

export function healthTone(health: HealthState): Tone {
  return health === 'healthy' ? 'good' : health === 'unhealthy' ? 'bad' : health === 'starting' ? 'warn' : 'neutral';
}

export function isStopped(container: ContainerView): boolean {
  return container.state === 'exited' || container.state === 'dead' || container.state === 'created';
}

/** Joins summarize()'s parts as the summary bar shows them. */
export const SUMMARY_SEPARATOR = ' · ';

/** The verdict for the summary bar, e.g. "5 containers · 4 running · 1 stopped · 1 unhealthy", as Texts. */
export function summarize(containers: ContainerView[]): { parts: Text[]; tone: Tone } {
  const running = containers.filter((c) => c.state === 'running').length;
  const stopped = containers.filter(isStopped).length;
  const unhealthy = containers.filter((c) => c.health === 'unhealthy').length;
  const other = containers.length - running - stopped;
  const parts = [
    text('containers.summary.containers', { count: containers.length }),
    text('containers.summary.running', { count: running }),
  ];
  if (stopped) parts.push(text('containers.summary.stopped', { count: stopped }));
  if (other) parts.push(text('containers.summary.other', { count: other }));
  if (unhealthy) parts.push(text('containers.summary.unhealthy', { count: unhealthy }));
  const tone: Tone = stopped || unhealthy ? 'bad' : other ? 'warn' : containers.length ? 'good' : 'neutral';
  return { parts, tone };
}
