/**
 * What the live Docker-stats sampler measures and sends, shared by the server and the browser.
 * Types only: the sampler (server) produces these, live-view.ts turns them into charts anywhere.
 */
import type { ErrorView } from '../errors';

export interface LiveHostSample {
  memTotalBytes: number;
  memAvailableBytes: number;
  /** memTotalBytes − memAvailableBytes. */
  memUsedBytes: number;
  /** Busy share of all CPUs since the previous sample (100 − idle, as Telegraf's usage_idle); null on the first. */
  cpuBusyPercent: number | null;
  load1: number;
  load5: number;
  load15: number;
}

export interface LiveContainerSample {
  id: string;
  name: string;
  /** The compose service; a service with several containers is summed by the view. */
  service: string;
  /** Usage without the reclaimable page cache, as docker stats and Telegraf show it. */
  memBytes: number;
  memLimitBytes: number;
  /** Since this container's previous sample; 100 is one full core. Null on its first sample. */
  cpuPercent: number | null;
  /** Summed over the container's networks; null without a previous sample or without networks. */
  rxBytesPerSecond: number | null;
  txBytesPerSecond: number | null;
}

export interface LiveSample {
  atMs: number;
  host: LiveHostSample;
  containers: LiveContainerSample[];
  /** Set when Docker failed this round; containers are then empty, host numbers still measured. */
  docker?: ErrorView;
}

export type MetricsLiveMessage =
  | { type: 'window'; samples: LiveSample[]; intervalMs: number; windowMs: number }
  | { type: 'sample'; sample: LiveSample };
