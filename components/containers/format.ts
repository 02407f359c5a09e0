import type { ContainerState, ContainerView, HealthState } from '@/lib/docker/types';

/** Human durations for uptime and "stopped … ago": the two largest units, e.g. "3 d 4 h", "12 min". */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const units: [number, string][] = [
    [86_400, 'd'],
    [3_600, 'h'],
    [60, 'min'],
    [1, 's'],
  ];
  const parts: string[] = [];
  let rest = seconds;
  for (const [size, label] of units) {
    const amount = Math.floor(rest / size);
    if (amount > 0 || (parts.length === 0 && size === 1)) parts.push(`${amount} ${label}`);
    rest -= amount * size;
    if (parts.length === 2) break;
  }
  return parts.join(' ');
}

export const STATE_WORDS: Record<ContainerState, string> = {
  running: 'Running',
  restarting: 'Restarting',
  paused: 'Paused',
  exited: 'Exited',
  created: 'Created, not started',
  dead: 'Dead',
  removing: 'Being removed',
};

export const HEALTH_WORDS: Record<HealthState, string> = {
  healthy: 'Healthy',
  unhealthy: 'Unhealthy',
  starting: 'Health: starting',
  none: 'No health check',
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

/** The one-line verdict for the summary bar, e.g. "5 containers · 4 running · 1 stopped · 1 unhealthy". */
export function summarize(containers: ContainerView[]): { text: string; tone: Tone } {
  const running = containers.filter((c) => c.state === 'running').length;
  const stopped = containers.filter(isStopped).length;
  const unhealthy = containers.filter((c) => c.health === 'unhealthy').length;
  const other = containers.length - running - stopped;
  const parts = [`${containers.length} container${containers.length === 1 ? '' : 's'}`, `${running} running`];
  if (stopped) parts.push(`${stopped} stopped`);
  if (other) parts.push(`${other} restarting or paused`);
  if (unhealthy) parts.push(`${unhealthy} unhealthy`);
  const tone: Tone = stopped || unhealthy ? 'bad' : other ? 'warn' : containers.length ? 'good' : 'neutral';
  return { text: parts.join(' · '), tone };
}
