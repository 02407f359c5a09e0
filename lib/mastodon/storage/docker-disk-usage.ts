import 'server-only';

import { getConfig } from '../../config';
import { dockerCalls } from '../../docker/client';
import { dockerUnavailable } from '../../docker/errors';
import { dropProcessSingleton, processSingleton } from '../../process/singleton';

/**
 * What Docker holds on the disk (images, containers, volumes, build cache), from /system/df, summed
 * the way `docker system df` sums it. The host-disk reading falls back to it without Telegraf.
 */

/** The parts of Docker's /system/df answer that are used (API 1.41+). */
export interface DockerDfAnswer {
  LayersSize?: number;
  Images?: Array<{ Containers?: number; Size?: number; SharedSize?: number }> | null;
  Containers?: Array<{ SizeRw?: number; State?: string }> | null;
  Volumes?: Array<{ UsageData?: { Size?: number; RefCount?: number } | null }> | null;
  BuildCache?: Array<{ Size?: number; InUse?: boolean; Shared?: boolean }> | null;
}

export interface DockerUsageLine {
  count: number;
  active: number;
  bytes: number;
  /** What `docker system prune` (and `docker image prune -a`) could free, as `docker system df` estimates it. */
  reclaimableBytes: number;
}

export interface DockerDiskUsage {
  images: DockerUsageLine;
  containers: DockerUsageLine;
  volumes: DockerUsageLine;
  buildCache: DockerUsageLine;
  totalBytes: number;
}

const known = (value: number | undefined): number => (value === undefined || value < 0 ? 0 : value);

/** The four lines of `docker system df`, computed as the Docker CLI computes them. */
export function summarizeDockerDf(df: DockerDfAnswer): DockerDiskUsage {
  const images = df.Images ?? [];
  // The socket proxy answers for the project only and leaves LayersSize out (it covers every image on the
  // host): then the project's images are added up, counting a layer that two of them share twice.
  const perImage = df.LayersSize === undefined;
  const imagesBytes = perImage ? images.reduce((sum, image) => sum + known(image.Size), 0) : known(df.LayersSize);
  let imagesInUse = 0;
  for (const image of images) {
    if ((image.Containers ?? 0) > 0 && perImage) imagesInUse += known(image.Size);
    else if ((image.Containers ?? 0) > 0 && (image.Size ?? -1) >= 0 && (image.SharedSize ?? -1) >= 0)
      imagesInUse += image.Size! - image.SharedSize!;
  }
  const containers = df.Containers ?? [];
  const isActive = (state: string | undefined) => state === 'running' || state === 'paused' || state === 'restarting';
  const volumes = df.Volumes ?? [];
  const cache = (df.BuildCache ?? []).filter((record) => !record.Shared);
  const lines: Omit<DockerDiskUsage, 'totalBytes'> = {
    images: {
      count: images.length,
      active: images.filter((image) => (image.Containers ?? 0) > 0).length,
      bytes: imagesBytes,
      reclaimableBytes: Math.max(0, imagesBytes - imagesInUse),
    },
    containers: {
      count: containers.length,
      active: containers.filter((c) => isActive(c.State)).length,
      bytes: containers.reduce((sum, c) => sum + known(c.SizeRw), 0),
      reclaimableBytes: containers.filter((c) => !isActive(c.State)).reduce((sum, c) => sum + known(c.SizeRw), 0),
    },
    volumes: {
      count: volumes.length,
      active: volumes.filter((v) => (v.UsageData?.RefCount ?? 0) > 0).length,
      bytes: volumes.reduce((sum, v) => sum + known(v.UsageData?.Size), 0),
      reclaimableBytes: volumes
        .filter((v) => (v.UsageData?.RefCount ?? 0) === 0)
        .reduce((sum, v) => sum + known(v.UsageData?.Size), 0),
    },
    buildCache: {
      count: cache.length,
      active: cache.filter((record) => record.InUse).length,
      bytes: cache.reduce((sum, record) => sum + known(record.Size), 0),
      reclaimableBytes: cache.filter((record) => !record.InUse).reduce((sum, record) => sum + known(record.Size), 0),
    },
  };
  return {
    ...lines,
    totalBytes: lines.images.bytes + lines.containers.bytes + lines.volumes.bytes + lines.buildCache.bytes,
  };
}

/**
 * /system/df walks every volume and layer, which takes seconds on a large host (and older daemons hold
 * a lock meanwhile), so its answer is kept a few minutes.
 */
export const DOCKER_DF_TTL_MS = 5 * 60_000;
const DF_CACHE = 'storage.docker-df';
type DfEntry = { key: string; atMs: number; usage: DockerDiskUsage };

/** Docker's usage, at most DOCKER_DF_TTL_MS old, with the time it was measured. */
export async function dockerDiskUsage(): Promise<{ usage: DockerDiskUsage; measuredAtMs: number }> {
  const { docker } = getConfig();
  const holder = processSingleton<{ entry?: DfEntry }>(DF_CACHE, () => ({}));
  const cached = holder.entry;
  const nowMs = Date.now();
  if (cached && cached.key === docker.display && nowMs - cached.atMs < DOCKER_DF_TTL_MS)
    return { usage: cached.usage, measuredAtMs: cached.atMs };
  let answer: DockerDfAnswer;
  try {
    answer = (await dockerCalls().df()) as DockerDfAnswer;
  } catch (error) {
    throw dockerUnavailable(error, docker);
  }
  const usage = summarizeDockerDf(answer);
  holder.entry = { key: docker.display, atMs: nowMs, usage };
  return { usage, measuredAtMs: nowMs };
}

/** For tests: forget the cached answer. */
export function resetDockerDiskUsageForTesting(): void {
  dropProcessSingleton(DF_CACHE);
}
