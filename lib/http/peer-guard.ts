import 'server-only';

import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { Socket } from 'node:net';
import { endianness } from 'node:os';

import {
  describeAcceptedPeers,
  isLoopbackPeer,
  normalizePeerAddress,
  type AcceptedPeers,
} from '../config/accepted-peers';

/**
 * The IPv4 default gateways in the text of /proc/net/route (this network namespace's table). Addresses there
 * are the kernel's 32-bit words printed in hex, so their byte order is the machine's.
 */
export function defaultGateways(routeTable: string, byteOrder: 'LE' | 'BE' = endianness()): string[] {
  const RTF_UP = 0x1;
  const RTF_GATEWAY = 0x2;
  const gateways: string[] = [];
  for (const line of routeTable.split('\n').slice(1)) {
    const [iface, destination, gatewayHex, flags, , , , mask] = line.trim().split(/\s+/);
    if (!iface || !destination || !gatewayHex || !flags || !mask) continue;
    const flagBits = Number.parseInt(flags, 16);
    if (
      destination !== '00000000' ||
      mask !== '00000000' ||
      (flagBits & (RTF_UP | RTF_GATEWAY)) !== (RTF_UP | RTF_GATEWAY)
    )
      continue;
    if (!/^[0-9A-Fa-f]{8}$/.test(gatewayHex)) continue;
    const bytes = (gatewayHex.match(/../g) ?? []).map((pair) => Number.parseInt(pair, 16));
    const address = (byteOrder === 'LE' ? bytes.reverse() : bytes).join('.');
    if (!gateways.includes(address)) gateways.push(address);
  }
  return gateways;
}

function readRouteTable(): string {
  try {
    return readFileSync('/proc/net/route', 'utf8');
  } catch {
    return ''; // not Linux, or no /proc: no gateway is known, so none is accepted
  }
}

export interface PeerGuardOptions {
  peers: AcceptedPeers;
  readRoutes?: () => string;
  log?: (line: string) => void;
  now?: () => number;
}

export interface PeerGuard {
  accepts(remoteAddress: string | undefined): boolean;
  /** A 'connection' listener: resets a connection from a peer that is not accepted, before HTTP reads it. */
  onConnection(socket: Socket): void;
  /** The gateways accepted now (read again when a refused peer arrives and the last read is 5 s old). */
  gateways(): string[];
}

const GATEWAY_REREAD_MS = 5_000;
const LOG_INTERVAL_MS = 60_000;
/** Distinct refused addresses remembered for the once-a-minute log; beyond it, refusals are only counted. */
const LOGGED_PEERS_MAX = 256;

export function createPeerGuard({
  peers,
  readRoutes = readRouteTable,
  log = (line) => console.warn(line),
  now = Date.now,
}: PeerGuardOptions): PeerGuard {
  let gatewayCache: { at: number; addresses: string[] } | undefined;
  const lastLogged = new Map<string, number>();
  let unloggedSince: number | undefined;
  let unlogged = 0;

  function gateways(forceFresh = false): string[] {
    if (peers.kind !== 'listed' || !peers.gateway) return [];
    if (gatewayCache === undefined || (forceFresh && now() - gatewayCache.at >= GATEWAY_REREAD_MS)) {
      gatewayCache = { at: now(), addresses: defaultGateways(readRoutes()) };
    }
    return gatewayCache.addresses;
  }

  function accepts(remoteAddress: string | undefined): boolean {
    if (peers.kind === 'any') return true;
    if (remoteAddress === undefined) return false;
    const peer = normalizePeerAddress(remoteAddress);
    if (isLoopbackPeer(peer) || peers.addresses.includes(peer)) return true;
    if (!peers.gateway) return false;
    // A container connected to another network after start has a new gateway: look again before refusing.
    return gateways().includes(peer) || gateways(true).includes(peer);
  }

  function noteRefusal(peer: string): void {
    const at = now();
    for (const [address, loggedAt] of lastLogged) if (at - loggedAt >= LOG_INTERVAL_MS) lastLogged.delete(address);
    const loggedAt = lastLogged.get(peer);
    if (loggedAt !== undefined) return;
    if (lastLogged.size >= LOGGED_PEERS_MAX) {
      // Many distinct addresses at once (a scan, or spoofed sources): one summary line a minute at most.
      unlogged += 1;
      unloggedSince ??= at;
      if (at - unloggedSince >= LOG_INTERVAL_MS) {
        log(
          `Mastodash: refused ${unlogged} more connection(s) from other addresses in the last minute` +
            ` (ACCEPT_CONNECTIONS_FROM=${describeAcceptedPeers(peers)}).`,
        );
        unlogged = 0;
        unloggedSince = at;
      }
      return;
    }
    lastLogged.set(peer, at);
    const known = gateways();
    log(
      `Mastodash: refused a connection from` +
        ` ${peer}: ACCEPT_CONNECTIONS_FROM=${describeAcceptedPeers(peers)} accepts loopback` +
        `${
          peers.kind === 'listed' && peers.gateway
            ? `, the gateway` + ` (${known.length > 0 ? known.join(', ') : 'none now'})`
            : ''
        }` +
        `${peers.kind === 'listed' && peers.addresses.length > 0 ? ` and ${peers.addresses.join(', ')}` : ''}` +
        ` only. Further refusals of ${peer} within a minute are not logged.`,
    );
  }

  function onConnection(socket: Socket): void {
    if (accepts(socket.remoteAddress)) return;
    noteRefusal(normalizePeerAddress(socket.remoteAddress ?? 'unknown'));
    // A reset, not a polite close: the peer learns nothing, not even that HTTP is spoken here.
    socket.resetAndDestroy();
  }

  return { accepts, onConnection, gateways: () => gateways() };
}

/**
 * Puts the guard in front of every HTTP server this process creates from now on. Next's standalone
 * server.js creates its server inside `startServer` (http.createServer) and exposes no hook, and Next's
 * docs rule out a custom server with standalone output; so the guard is prepended to each new server's
 * 'connection' listeners, where it runs before Node's HTTP parser sees the socket. Returns the undo (tests).
 */
export function guardHttpServers(guard: PeerGuard): () => void {
  const createServer = http.createServer;
  const guarded = function (this: unknown, ...args: Parameters<typeof http.createServer>): http.Server {
    const server = createServer.apply(this, args);
    server.prependListener('connection', (socket: Socket) => guard.onConnection(socket));
    return server;
  } as typeof http.createServer;
  Object.defineProperty(http, 'createServer', { value: guarded, writable: true, configurable: true, enumerable: true });
  return () =>
    Object.defineProperty(http, 'createServer', {
      value: createServer,
      writable: true,
      configurable: true,
      enumerable: true,
    });
}
