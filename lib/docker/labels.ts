/** The labels Docker Compose puts on every container it creates; containers are found by these, never by name. */
export const COMPOSE_LABELS = {
  project: 'com.docker.compose.project',
  service: 'com.docker.compose.service',
  containerNumber: 'com.docker.compose.container-number',
  oneoff: 'com.docker.compose.oneoff',
} as const;

/**
 * The OCI label the Mastodon release workflows (docker/metadata-action) set to the release's git tag. Docker
 * copies an image's labels into each container made from it, so container inspect carries it.
 */
export const IMAGE_VERSION_LABEL = 'org.opencontainers.image.version';

export function projectFilter(project: string): Record<string, string[]> {
  return { label: [`${COMPOSE_LABELS.project}=${project}`] };
}
