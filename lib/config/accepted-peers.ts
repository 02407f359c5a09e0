import { isIP } from 'node:net';

/**
 * Which TCP peers may connect at all (ACCEPT_CONNECTIONS_FROM; lib/http/peer-guard.ts checks it on the
 * socket before a single byte of HTTP is read). In the container image the server listens on every
 * interface of the container, and the container shares a network with Mastodon's services; only the
 * published 127.0.0.1 port is meant to reach it. Traffic through a published port arrives from the
 * gateway of the network the port is published on (docker-proxy, or the NAT, both on the host), so
 * "loopback and the gateway" is exactly "the container itself and the host".
 */
export type AcceptedPeers = { kind: 'any' } | { kind: 'listed'; gateway: boolean; addresses: readonly string[] };

export const ACCEPTED_PEERS_EXAMPLE = 'ACCEPT_CONNECTIONS_FROM=loopback,gateway';

/**
 * Parses `any`, or a comma-separated list of `loopback`, `gateway` and IP addresses. Loopback is always
 * accepted (the image's health check and `docker compose exec` tools use it, and whoever runs code in the
 * dashboard's own network namespace can read its data anyway), so the word only makes lists readable.
 */
export function parseAcceptedPeers(value: string): { ok: true; peers: AcceptedPeers } | { ok: false; message: string } {
  const items = value
    .split(',')
    .map((item) => item.trim().toLowerCase())
    .filter((item) => item !== '');
  if (items.length === 0) return { ok: false, message: 'must be any, or a list of loopback, gateway and IP addresses' };
  if (items.includes('any')) {
    return items.length === 1
      ? { ok: true, peers: { kind: 'any' } }
      : { ok: false, message: 'any stands alone: it already accepts every peer' };
  }
  let gateway = false;
  const addresses: string[] = [];
  for (const item of items) {
    if (item === 'loopback') continue;
    if (item === 'gateway') gateway = true;
    else if (isIP(normalizePeerAddress(item)) !== 0) addresses.push(normalizePeerAddress(item));
    else return { ok: false, message: `${JSON.stringify(item)} is not loopback, gateway or an IP address` };
  }
  return { ok: true, peers: { kind: 'listed', gateway, addresses } };
}

export function describeAcceptedPeers(peers: AcceptedPeers): string {
  if (peers.kind === 'any') return 'any';
  return ['loopback', ...(peers.gateway ? ['gateway'] : []), ...peers.addresses].join(',');
}

/** `::ffff:172.20.0.1` (an IPv4 peer of a dual-stack socket) is `172.20.0.1`; IPv6 is lower-cased. */
export function normalizePeerAddress(address: string): string {
  const lower = address
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(lower);
  return mapped?.[1] ?? lower;
}

export function isLoopbackPeer(address: string): boolean {
  const peer = normalizePeerAddress(address);
  if (isIP(peer) === 4) return peer.startsWith('127.');
  return peer === '::1';
}
