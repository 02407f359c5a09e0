import type { HostDisk } from '../../mastodon/storage/host-disk';
import type { HeadlineView } from '../../metrics/types';
import type { Found } from '../detector';
import { text } from '../../i18n/text';

/** The host: disk and memory from Telegraf (or the live sampler), and Telegraf's data going quiet. */

export const DISK_WARNING_PERCENT = 85;
export const DISK_CRITICAL_PERCENT = 95;
export const MEMORY_WARNING_PERCENT = 90;
/**
 * Swapped-out pages that stay out cost nothing; pages read back in are what makes a host crawl. A few pages a second
 * is background noise; 1 MiB/s (256 pages of 4 KiB) held for minutes means the working set no longer fits in RAM.
 */
export const SWAP_IN_HARD_BYTES_PER_SECOND = 1024 ** 2;
/**
 * Telegraf writes every 10 s by default: this many intervals without a reading means it stopped, but never less
 * than TELEGRAF_STALE_MIN_MS, so that a late flush is not a problem.
 */
export const TELEGRAF_STALE_INTERVALS = 6;
export const TELEGRAF_STALE_MIN_MS = 5 * 60_000;

/** GiB with one decimal, formatted by the message (`{used, number, ::.0}`). */
function gib(bytes: number): number {
  return bytes / 1024 ** 3;
}

export function diskFindings(disk: HostDisk): Found[] {
  // Docker's own usage says what Docker holds, not how full the disk is: nothing to judge.
  if (disk.source !== 'telegraf' || disk.usedPercent < DISK_WARNING_PERCENT) return [];
  const critical = disk.usedPercent >= DISK_CRITICAL_PERCENT;
  return [
    {
      key: 'host.disk-full',
      severity: critical ? 'critical' : 'warning',
      title: text('attention.host.disk.title', { percent: Math.floor(disk.usedPercent) }),
      evidence:
        disk.freeBytes === undefined
          ? text('attention.host.disk.evidence', {
              path: disk.path,
              used: gib(disk.usedBytes),
              total: gib(disk.totalBytes),
              at: new Date(disk.atMs).toISOString(),
            })
          : text('attention.host.disk.evidenceFree', {
              path: disk.path,
              used: gib(disk.usedBytes),
              total: gib(disk.totalBytes),
              free: gib(disk.freeBytes),
              at: new Date(disk.atMs).toISOString(),
            }),
      detail: text('attention.host.disk.detail', { limit: critical ? DISK_CRITICAL_PERCENT : DISK_WARNING_PERCENT }),
      fix: {
        kind: 'command',
        command: 'docker compose run --rm web bin/tootctl media remove --days 7',
        where: text('attention.where.mediaRemove'),
      },
    },
  ];
}

export function memoryFindings(headline: HeadlineView, nowMs: number, intervalMs: number): Found[] {
  const findings: Found[] = [];
  const { ram, source } = headline;
  const from = source.kind === 'influx' ? 'Telegraf' : text('attention.host.dockerLive');
  const staleAfterMs = Math.max(TELEGRAF_STALE_INTERVALS * intervalMs, TELEGRAF_STALE_MIN_MS);
  if (source.kind === 'influx' && ram.atMs !== undefined && nowMs - ram.atMs > staleAfterMs) {
    findings.push({
      key: 'telegraf.stale',
      severity: 'warning',
      title: text('attention.host.telegraf.title'),
      evidence: text('attention.host.telegraf.evidence', {
        version: source.version,
        at: new Date(ram.atMs).toISOString(),
        minutes: Math.round((nowMs - ram.atMs) / 60_000),
      }),
      fix: {
        kind: 'command',
        command: 'systemctl status telegraf',
        where: text('attention.where.telegraf'),
      },
    });
    return findings;
  }
  if (ram.value !== null && ram.value > MEMORY_WARNING_PERCENT) {
    const used =
      ram.usedBytes !== null && ram.totalBytes !== null
        ? text('attention.host.memory.used', { used: gib(ram.usedBytes), total: gib(ram.totalBytes) })
        : '';
    const biggest = headline.biggest?.value
      ? text('attention.host.memory.biggest', { service: headline.biggest.service, size: gib(headline.biggest.value) })
      : '';
    findings.push({
      key: 'host.memory-full',
      severity: 'warning',
      title: text('attention.host.memory.title', { percent: Math.round(ram.value) }),
      evidence: text('attention.host.memory.evidence', { limit: MEMORY_WARNING_PERCENT, used, from, biggest }),
      detail: text('attention.host.memory.detail'),
      fix: { kind: 'link', href: '/graphs', label: text('attention.links.graphs') },
    });
  }
  const swapIn = headline.swapIn?.value;
  if (swapIn !== undefined && swapIn !== null && swapIn >= SWAP_IN_HARD_BYTES_PER_SECOND) {
    findings.push({
      key: 'host.swapping',
      severity: 'warning',
      title: text('attention.host.swap.title'),
      evidence: text('attention.host.swap.evidence', {
        rate: swapIn / 1024 ** 2,
        ram:
          ram.value === null
            ? text('attention.host.swap.ramUnknown')
            : text('attention.host.swap.ramUsed', { percent: Math.round(ram.value) }),
      }),
      detail: text('attention.host.swap.detail'),
      fix: { kind: 'link', href: '/graphs', label: text('attention.links.graphs') },
    });
  }
  return findings;
}
