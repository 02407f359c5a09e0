/** What the checks ask of the compose file: which service is which, and how they reach each other. */
import type { ComposeFile, ComposeService } from '../compose-file';

export const APP_SERVICES = ['web', 'sidekiq'] as const;

export function serviceNamed(compose: ComposeFile | undefined, name: string): ComposeService | undefined {
  return compose?.services.find((service) => service.name === name);
}

function isMastodonImage(service: ComposeService): boolean {
  return /(^|\/)(mastodon\/mastodon|tootsuite\/mastodon)(:|@|$)/.test(service.image ?? '');
}

/** web, else sidekiq, else any service running the Mastodon (not the streaming) image. */
export function appService(compose: ComposeFile | undefined): ComposeService | undefined {
  return serviceNamed(compose, 'web') ?? serviceNamed(compose, 'sidekiq') ?? compose?.services.find(isMastodonImage);
}

export function isBackend(kind: 'db' | 'redis', service: ComposeService): boolean {
  const image = service.image ?? '';
  return kind === 'db'
    ? service.name === 'db' || /postgres|postgis/i.test(image)
    : service.name === 'redis' || /redis|valkey|keydb/i.test(image);
}

export function isAppLike(service: ComposeService): boolean {
  return (
    ['web', 'sidekiq', 'streaming'].includes(service.name) ||
    isMastodonImage(service) ||
    /mastodon-streaming/.test(service.image ?? '')
  );
}

type Networking = { kind: 'host' } | { kind: 'networks'; networks: string[] } | { kind: 'other'; mode: string };

export function networkingOf(service: ComposeService): Networking {
  if (service.networkMode === 'host') return { kind: 'host' };
  if (service.networkMode !== undefined && service.networkMode !== 'bridge')
    return { kind: 'other', mode: service.networkMode };
  return { kind: 'networks', networks: service.networks };
}

export function sharedNetworks(a: ComposeService, b: ComposeService): string[] {
  if (a.networkMode !== undefined || b.networkMode !== undefined) return [];
  return a.networks.filter((network) => b.networks.includes(network));
}

export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return bare === 'localhost' || bare.endsWith('.localhost') || /^127\.\d+\.\d+\.\d+$/.test(bare) || bare === '::1';
}

function normaliseContainerPath(target: string): string {
  const trimmed = target.replace(/\/+$/, '');
  return trimmed === '/mastodon' || trimmed.startsWith('/mastodon/') ? `/opt${trimmed}` : trimmed;
}

export function mountsPath(service: ComposeService, path: string): boolean {
  const wanted = normaliseContainerPath(path);
  return service.volumes.some((volume) => {
    const target = normaliseContainerPath(volume.target);
    return volume.type !== 'tmpfs' && (wanted === target || wanted.startsWith(`${target}/`));
  });
}
