import type Docker from 'dockerode';

import { COMPOSE_LABELS, IMAGE_VERSION_LABEL } from './labels';
import {
  CONTAINER_STATES,
  HEALTH_STATES,
  type ContainerState,
  type ContainerView,
  type HealthState,
  type PublishedPort,
} from './types';

const PROBE_OUTPUT_LIMIT = 2000;
const ZERO_TIME = '0001-01-01T00:00:00Z';

/** Splits an image reference into name and tag; a registry port ("host:5000/img") is not a tag. */
export function splitImageReference(reference: string): { image: string; tag: string } {
  const [withoutDigest = reference, digest] = reference.split('@');
  const lastSlash = withoutDigest.lastIndexOf('/');
  const lastColon = withoutDigest.lastIndexOf(':');
  if (lastColon > lastSlash) {
    return { image: withoutDigest.slice(0, lastColon), tag: withoutDigest.slice(lastColon + 1) };
  }
  return { image: withoutDigest, tag: digest ? `@${digest.slice(0, 19)}` : 'latest' };
}

function validTime(value: string | undefined): string | undefined {
  return value && !value.startsWith('0001-') && value !== ZERO_TIME ? value : undefined;
}

function toState(status: string | undefined): ContainerState {
  return (CONTAINER_STATES as readonly string[]).includes(status ?? '') ? (status as ContainerState) : 'dead';
}

export function toHealth(status: string | undefined): HealthState {
  return (HEALTH_STATES as readonly string[]).includes(status ?? '') ? (status as HealthState) : 'none';
}

/** The published ports of `docker inspect`, by host port. */
export function publishedPorts(info: Docker.ContainerInspectInfo): PublishedPort[] {
  const ports: PublishedPort[] = [];
  for (const [spec, bindings] of Object.entries(info.NetworkSettings?.Ports ?? {})) {
    const [containerPort = '0', protocol = 'tcp'] = spec.split('/');
    for (const binding of bindings ?? []) {
      ports.push({
        hostIp: binding.HostIp,
        hostPort: Number(binding.HostPort),
        containerPort: Number(containerPort),
        protocol,
      });
    }
  }
  return ports.sort((a, b) => a.hostPort - b.hostPort || a.hostIp.localeCompare(b.hostIp));
}

/** Maps `docker inspect` to the minimal view; nothing of Config.Env or mounts is copied. */
export function toContainerView(info: Docker.ContainerInspectInfo): ContainerView {
  const labels = info.Config?.Labels ?? {};
  const state = info.State;
  const health = state.Health as
    (Docker.ContainerInspectInfo['State']['Health'] & { FailingStreak?: number }) | undefined;
  const lastLog = health?.Log?.at(-1);
  const { image, tag } = splitImageReference(info.Config?.Image ?? info.Image);
  const stateName = toState(state.Status);
  const stopped = stateName === 'exited' || stateName === 'dead' || stateName === 'created';
  return {
    id: info.Id,
    name: info.Name.replace(/^\//, ''),
    service: labels[COMPOSE_LABELS.service] ?? '(no service label)',
    containerNumber: Number(labels[COMPOSE_LABELS.containerNumber] ?? 1),
    image,
    imageTag: tag,
    ...(info.Image ? { imageId: info.Image } : {}),
    ...(labels[IMAGE_VERSION_LABEL] ? { versionLabel: labels[IMAGE_VERSION_LABEL] } : {}),
    state: stateName,
    health: toHealth(health?.Status),
    failingStreak: health?.FailingStreak ?? 0,
    ...(lastLog
      ? {
          lastProbe: {
            exitCode: lastLog.ExitCode,
            output: lastLog.Output.trim().slice(-PROBE_OUTPUT_LIMIT),
            endedAt: lastLog.End,
          },
        }
      : {}),
    startedAt: validTime(state.StartedAt),
    finishedAt: validTime(state.FinishedAt),
    ...(stopped && validTime(state.FinishedAt) ? { exitCode: state.ExitCode } : {}),
    oomKilled: state.OOMKilled,
    restartCount: info.RestartCount,
    ports: publishedPorts(info),
  };
}
