import type { ContainerView } from '../docker/types';
import type { ErrorView } from '../errors';

/** What the containers topic sends to browsers (shared by the server source and the client view). */
export type DockerStatus = { ok: true } | { ok: false; error: ErrorView; since: string };

export type ContainersMessage =
  | { type: 'snapshot'; project: string; containers: ContainerView[]; docker: DockerStatus; at: string }
  | { type: 'container'; container: ContainerView; at: string }
  | { type: 'removed'; id: string; at: string }
  | { type: 'docker'; docker: DockerStatus; at: string };
