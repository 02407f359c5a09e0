/**
 * The shapes the containers view sends to the browser. Deliberately minimal: inspect data holds the
 * containers' environment (Mastodon's secrets), so only these fields ever leave the server.
 */
export const CONTAINER_STATES = ['running', 'restarting', 'paused', 'exited', 'created', 'dead', 'removing'] as const;
export type ContainerState = (typeof CONTAINER_STATES)[number];

export const HEALTH_STATES = ['starting', 'healthy', 'unhealthy', 'none'] as const;
export type HealthState = (typeof HEALTH_STATES)[number];

export interface PublishedPort {
  hostIp: string;
  hostPort: number;
  containerPort: number;
  protocol: string;
}

export interface HealthProbe {
  exitCode: number;
  output: string;
  endedAt: string;
}

export interface ContainerView {
  id: string;
  name: string;
  service: string;
  containerNumber: number;
  image: string;
  imageTag: string;
  /** The image's id (sha256:…): two containers with the same one run the same code. */
  imageId?: string;
  /** The image's org.opencontainers.image.version label, when it has one (release images carry the tag, v4.3.17). */
  versionLabel?: string;
  state: ContainerState;
  health: HealthState;
  failingStreak: number;
  lastProbe?: HealthProbe;
  startedAt?: string;
  finishedAt?: string;
  exitCode?: number;
  oomKilled: boolean;
  restartCount: number;
  ports: PublishedPort[];
}

export interface ServiceGroup {
  service: string;
  containers: ContainerView[];
}
