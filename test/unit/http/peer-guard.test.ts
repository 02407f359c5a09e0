import { EventEmitter } from 'node:events';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import { afterEach, describe, expect, it } from 'vitest';

import {
  isLoopbackPeer,
  normalizePeerAddress,
  parseAcceptedPeers,
  type AcceptedPeers,
} from '@/lib/config/accepted-peers';
import { createPeerGuard, defaultGateways, guardHttpServers, type PeerGuard } from '@/lib/http/peer-guard';

// /proc/net/route of a container on a bridge network 172.29.20.0/24 and an internal one (no gateway),
// as a little-endian kernel prints it: 0114 1DAC is 172.29.20.1 read backwards.
const CONTAINER_ROUTES = [
  'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT',
  'eth1\t00000000\t01141DAC\t0003\t0\t0\t0\t00000000\t0\t0\t0',
  'eth0\t00151DAC\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0',
  'eth1\t00141DAC\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0',
].join('\n');

// A container only on internal networks: no default route at all.
const INTERNAL_ONLY_ROUTES = [
  'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT',
  'eth0\t00151DAC\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0',
].join('\n');

function peers(value: string): AcceptedPeers {
  const parsed = parseAcceptedPeers(value);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.peers;
}

describe('parseAcceptedPeers (ACCEPT_CONNECTIONS_FROM)', () => {
  it.each([
    ['any', { kind: 'any' }],
    ['ANY', { kind: 'any' }],
    ['loopback', { kind: 'listed', gateway: false, addresses: [] }],
    ['loopback,gateway', { kind: 'listed', gateway: true, addresses: [] }],
    [' gateway , 10.0.0.5 ', { kind: 'listed', gateway: true, addresses: ['10.0.0.5'] }],
    ['loopback,::ffff:10.0.0.5,FD00::1', { kind: 'listed', gateway: false, addresses: ['10.0.0.5', 'fd00::1'] }],
  ])('%s', (value, expected) => {
    expect(parseAcceptedPeers(value)).toEqual({ ok: true, peers: expected });
  });

  it.each([
    ['', /must be any, or a list/],
    ['any,gateway', /any stands alone/],
    ['loopback,gatway', /"gatway" is not loopback, gateway or an IP address/],
    ['10.0.0.0/8', /is not loopback, gateway or an IP address/],
    ['localhost', /is not loopback, gateway or an IP address/],
  ])('refuses %j', (value, message) => {
    const parsed = parseAcceptedPeers(value);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.message).toMatch(message);
  });
});

describe('peer addresses', () => {
  it('reads an IPv4-mapped IPv6 address (a dual-stack socket) as the IPv4 address', () => {
    expect(normalizePeerAddress('::ffff:172.29.20.1')).toBe('172.29.20.1');
    expect(normalizePeerAddress('::FFFF:127.0.0.1')).toBe('127.0.0.1');
    expect(normalizePeerAddress('[FD00::1]')).toBe('fd00::1');
    expect(normalizePeerAddress('::ffff:7f00:1')).toBe('::ffff:7f00:1');
  });

  it.each([
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['172.29.20.1', false],
    ['::ffff:172.29.20.1', false],
    ['0.0.0.0', false],
    ['fe80::1', false],
  ])('%s is loopback: %s', (address, expected) => {
    expect(isLoopbackPeer(address)).toBe(expected);
  });
});

describe('defaultGateways (/proc/net/route)', () => {
  it("finds the default route's gateway, byte order as the kernel prints it", () => {
    expect(defaultGateways(CONTAINER_ROUTES, 'LE')).toEqual(['172.29.20.1']);
    expect(defaultGateways(CONTAINER_ROUTES.replace('01141DAC', 'AC1D1401'), 'BE')).toEqual(['172.29.20.1']);
  });

  it('finds none on internal networks only, in an empty table, or in a route without the gateway flag', () => {
    expect(defaultGateways(INTERNAL_ONLY_ROUTES, 'LE')).toEqual([]);
    expect(defaultGateways('', 'LE')).toEqual([]);
    expect(defaultGateways(CONTAINER_ROUTES.replace('01141DAC\t0003', '01141DAC\t0001'), 'LE')).toEqual([]);
  });

  it('ignores routes that are not the default one', () => {
    const table = `${INTERNAL_ONLY_ROUTES}\neth0\t000A0A0A\t01151DAC\t0003\t0\t0\t0\t00FFFFFF\t0\t0\t0`;
    expect(defaultGateways(table, 'LE')).toEqual([]);
  });
});

describe('createPeerGuard', () => {
  function guardOf(value: string, routes = CONTAINER_ROUTES) {
    const lines: string[] = [];
    let clock = 1_000_000;
    let table = routes;
    let reads = 0;
    const guard = createPeerGuard({
      peers: peers(value),
      readRoutes: () => {
        reads += 1;
        return table;
      },
      log: (line) => lines.push(line),
      now: () => clock,
    });
    return {
      guard,
      lines,
      reads: () => reads,
      advance: (ms: number) => (clock += ms),
      setRoutes: (next: string) => (table = next),
    };
  }

  it('loopback,gateway accepts loopback and the gateway (also IPv4-mapped), and nothing else', () => {
    const { guard } = guardOf('loopback,gateway');
    expect(guard.accepts('127.0.0.1')).toBe(true);
    expect(guard.accepts('::1')).toBe(true);
    expect(guard.accepts('172.29.20.1')).toBe(true);
    expect(guard.accepts('::ffff:172.29.20.1')).toBe(true);
    // Another container on the published network, on the internal network, and no address at all.
    expect(guard.accepts('172.29.20.3')).toBe(false);
    expect(guard.accepts('::ffff:172.29.21.4')).toBe(false);
    expect(guard.accepts(undefined)).toBe(false);
  });

  it('loopback alone refuses the gateway; listed addresses pass; any accepts everything', () => {
    expect(guardOf('loopback').guard.accepts('172.29.20.1')).toBe(false);
    expect(guardOf('loopback,10.0.0.5').guard.accepts('::ffff:10.0.0.5')).toBe(true);
    expect(guardOf('any').guard.accepts('172.29.21.4')).toBe(true);
    expect(guardOf('any').guard.accepts(undefined)).toBe(true);
  });

  it('looks at the route table again (at most every 5 s) before refusing, so a gateway that came later counts', () => {
    const world = guardOf('loopback,gateway', INTERNAL_ONLY_ROUTES);
    expect(world.guard.accepts('172.29.20.1')).toBe(false);
    world.setRoutes(CONTAINER_ROUTES);
    const readsBefore = world.reads();
    expect(world.guard.accepts('172.29.20.1')).toBe(false); // read less than 5 s ago
    expect(world.reads()).toBe(readsBefore);
    world.advance(5_000);
    expect(world.guard.accepts('172.29.20.1')).toBe(true);
    expect(world.guard.gateways()).toEqual(['172.29.20.1']);
  });

  function fakeSocket(remoteAddress: string | undefined) {
    const socket = Object.assign(new EventEmitter(), {
      remoteAddress,
      resets: 0,
      resetAndDestroy: () => socket.resets++,
    });
    return socket;
  }

  it('resets a refused connection and logs one line per refused address per minute', () => {
    const world = guardOf('loopback,gateway');
    const intruder = fakeSocket('::ffff:172.29.21.4');
    for (let i = 0; i < 50; i++) world.guard.onConnection(intruder as unknown as Socket);
    expect(intruder.resets).toBe(50);
    expect(world.lines).toHaveLength(1);
    expect(world.lines[0]).toContain(
      'refused a connection from 172.29.21.4: ACCEPT_CONNECTIONS_FROM=loopback,gateway accepts loopback, ' +
        'the gateway (172.29.20.1) only',
    );

    const accepted = fakeSocket('172.29.20.1');
    world.guard.onConnection(accepted as unknown as Socket);
    expect(accepted.resets).toBe(0);

    world.advance(59_000);
    world.guard.onConnection(intruder as unknown as Socket);
    expect(world.lines).toHaveLength(1);
    world.advance(1_000);
    world.guard.onConnection(intruder as unknown as Socket);
    expect(world.lines).toHaveLength(2);
  });

  it('many distinct refused addresses never flood the log', () => {
    const world = guardOf('loopback,gateway');
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 5_000; i++)
        world.guard.onConnection(fakeSocket(`10.${round}.${i >> 8}.${i & 255}`) as unknown as Socket);
      world.advance(30_000);
    }
    // 256 named addresses in the first minute, then summary lines; 15,000 refusals in 90 s stay a few hundred lines.
    expect(world.lines.length).toBeLessThanOrEqual(256 * 2 + 3);
    expect(world.lines.some((line) => /refused \d+ more connection\(s\) from other addresses/.test(line))).toBe(true);
  });
});

describe('guardHttpServers', () => {
  let undo: (() => void) | undefined;
  let server: http.Server | undefined;
  afterEach(async () => {
    undo?.();
    undo = undefined;
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    server = undefined;
  });

  async function serve(guard: PeerGuard): Promise<{ port: number; handled: () => number }> {
    undo = guardHttpServers(guard);
    let handled = 0;
    server = http.createServer((_, res) => {
      handled += 1;
      res.end('login page');
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    return { port: (server.address() as AddressInfo).port, handled: () => handled };
  }

  function get(port: number): Promise<string> {
    return new Promise((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port, path: '/login', agent: false }, (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve(body));
        })
        .on('error', reject);
    });
  }

  it('lets an accepted peer through to the HTTP handler', async () => {
    const { port, handled } = await serve(
      createPeerGuard({ peers: peers('loopback,gateway'), readRoutes: () => CONTAINER_ROUTES, log: () => {} }),
    );
    await expect(get(port)).resolves.toBe('login page');
    expect(handled()).toBe(1);
  });

  it("runs before Node's HTTP parser: a refused connection is reset and never reaches the handler", async () => {
    const refuseAll: PeerGuard = {
      accepts: () => false,
      gateways: () => [],
      onConnection: (socket) => socket.resetAndDestroy(),
    };
    const { port, handled } = await serve(refuseAll);
    await expect(get(port)).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(handled()).toBe(0);
  });

  it('restores http.createServer when undone', async () => {
    const original = http.createServer;
    const restore = guardHttpServers(createPeerGuard({ peers: peers('loopback'), log: () => {} }));
    expect(http.createServer).not.toBe(original);
    restore();
    expect(http.createServer).toBe(original);
  });
});
