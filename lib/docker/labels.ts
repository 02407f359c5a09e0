/** The labels Docker Compose puts on every container it creates; containers are found by these, never by name. */
export const COMPOSE_LABELS = {
  project: 'com.docker.compose.project',
  service: 'com.docker.compose.service',
  containerNumber: 'com.docker.compose.container-number',
  oneoff: 'com.docker.compose.oneoff',
} as const;

export function projectFilter(project: string): Record<string, string[]> {
  return { label: [`${COMPOSE_LABELS.project}=${project}`] };
}
