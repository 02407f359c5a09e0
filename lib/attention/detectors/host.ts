import type { HostDisk } from '../../mastodon/storage/host-disk';
import type { HeadlineView } from '../../metrics/types';
import type { Found } from '../detector';

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

function gib(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
}

export function diskFindings(disk: HostDisk): Found[] {
  // Docker's own usage says what Docker holds, not how full the disk is: nothing to judge.
  if (disk.source !== 'telegraf' || disk.usedPercent < DISK_WARNING_PERCENT) return [];
  const critical = disk.usedPercent >= DISK_CRITICAL_PERCENT;
  return [
    {
      key: 'host.disk-full',
      severity: critical ? 'critical' : 'warning',
      title: `The disk is ${Math.floor(disk.usedPercent)} % full`,
      evidence:
        `${disk.path}: ${gib(disk.usedBytes)} of ${gib(disk.totalBytes)} used` +
        `${disk.freeBytes === undefined ? '' : `, ${gib(disk.freeBytes)} free`} ` +
        `(Telegraf, ${new Date(disk.atMs).toISOString()}).`,
      detail:
        `Over ${critical ? DISK_CRITICAL_PERCENT : DISK_WARNING_PERCENT} %. When it is full, Postgres and Redis stop ` +
        'writing. Old media caches are usually the largest part.',
      fix: {
        kind: 'command',
        command: 'docker compose run --rm web bin/tootctl media remove --days 7',
        where: 'in the Mastodon directory (removes cached remote media older than 7 days)',
      },
    },
  ];
}

export function memoryFindings(headline: HeadlineView, nowMs: number, intervalMs: number): Found[] {
  const findings: Found[] = [];
  const { ram, source } = headline;
  const from = source.kind === 'influx' ? 'Telegraf' : 'Docker (live)';
  const staleAfterMs = Math.max(TELEGRAF_STALE_INTERVALS * intervalMs, TELEGRAF_STALE_MIN_MS);
  if (source.kind === 'influx' && ram.atMs !== undefined && nowMs - ram.atMs > staleAfterMs) {
    findings.push({
      key: 'telegraf.stale',
      severity: 'warning',
      title: "Telegraf's data stopped arriving",
      evidence:
        `InfluxDB ${source.version} answers, but its newest host reading is from ` +
        `${new Date(ram.atMs).toISOString()}, ` +
        `${Math.round((nowMs - ram.atMs) / 60_000)} min ago.`,
      fix: {
        kind: 'command',
        command: 'systemctl status telegraf',
        where: 'on the host (or docker logs of its container)',
      },
    });
    return findings;
  }
  if (ram.value !== null && ram.value > MEMORY_WARNING_PERCENT) {
    const used =
      ram.usedBytes !== null && ram.totalBytes !== null ? `: ${gib(ram.usedBytes)} of ${gib(ram.totalBytes)}` : '';
    const biggest = headline.biggest?.value
      ? `; the biggest user is ${headline.biggest.service} (${gib(headline.biggest.value)})`
      : '';
    findings.push({
      key: 'host.memory-full',
      severity: 'warning',
      title: `Memory is ${Math.round(ram.value)} % used`,
      evidence: `Over ${MEMORY_WARNING_PERCENT} %${used} (${from})${biggest}.`,
      detail: 'Near the limit the kernel kills the largest process (OOMKilled); Sidekiq and web are the usual ones.',
      fix: { kind: 'link', href: '/graphs', label: 'Graphs' },
    });
  }
  const swapIn = headline.swapIn?.value;
  if (swapIn !== undefined && swapIn !== null && swapIn >= SWAP_IN_HARD_BYTES_PER_SECOND) {
    findings.push({
      key: 'host.swapping',
      severity: 'warning',
      title: 'The host is swapping hard',
      evidence:
        `${(swapIn / 1024 ** 2).toFixed(1)} MiB/s read back from swap on average over the last minutes ` +
        `(Telegraf's swap input; RAM ${ram.value === null ? 'unknown' : `${Math.round(ram.value)} % used`}).`,
      detail:
        'Pages are read back from disk as fast as they are pushed out: every request waits on the disk. ' +
        'Lower WEB_CONCURRENCY or Sidekiq threads (-c), or add RAM.',
      fix: { kind: 'link', href: '/graphs', label: 'Graphs' },
    });
  }
  return findings;
}
