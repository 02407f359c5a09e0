import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';

import { toListenFacts } from '@/lib/docker/listen-facts';
import { configuredUrlMismatch, discoverAddress, listenSetting } from '@/lib/mastodon/service-address';

import { english, german } from '../../support/rendered-texts';

/**
 * Where web and streaming are probed when MASTODON_WEB_URL / MASTODON_STREAMING_URL are unset, from docker
 * inspect data shaped like each deployment shape's. Env holds the official images' ENV (BIND=0.0.0.0, streaming's
 * PORT=4000) followed by the service's own, as Docker merges them.
 */
interface Shape {
  service: 'web' | 'streaming';
  networkMode: string;
  env: string[];
  ports?: Record<string, Array<{ HostIp: string; HostPort: string }> | null>;
  networks?: Record<string, { IPAddress: string; Aliases?: string[] }>;
  running?: boolean;
}

/** web as the release's docker-compose.yml runs it: both networks, 127.0.0.1:3000 published. */
const OFFICIAL_WEB: Shape = {
  service: 'web',
  networkMode: 'mastodon_external_network',
  env: ['BIND=0.0.0.0'],
  ports: { '3000/tcp': [{ HostIp: '127.0.0.1', HostPort: '3000' }] },
  networks: {
    mastodon_external_network: { IPAddress: '172.18.0.4' },
    mastodon_internal_network: { IPAddress: '172.19.0.4' },
  },
};

function inspect(shape: Shape): Docker.ContainerInspectInfo {
  return {
    Id: `${shape.service}0123456789abcdef`,
    Name: `/mastodon-${shape.service}-1`,
    Config: {
      Hostname: 'x',
      Labels: { 'com.docker.compose.project': 'mastodon', 'com.docker.compose.service': shape.service },
      Env: ['PATH=/usr/bin', 'SECRET_KEY_BASE=very-secret', 'DB_PASS=also-secret', ...shape.env],
    },
    State: { Running: shape.running ?? true, Status: 'running', Health: { Status: 'healthy' } },
    HostConfig: { NetworkMode: shape.networkMode },
    NetworkSettings: { Ports: shape.ports ?? {}, Networks: shape.networks ?? {} },
  } as unknown as Docker.ContainerInspectInfo;
}

const facts = (shape: Shape) => toListenFacts(inspect(shape));

describe('listen facts from docker inspect', () => {
  it('keeps PORT, BIND and SOCKET of the environment and nothing else, the last assignment winning', () => {
    const view = facts({
      service: 'streaming',
      networkMode: 'host',
      env: ['BIND=0.0.0.0', 'PORT=4000', 'PORT=4300', 'BIND=127.0.0.1'],
    });
    expect(view.env).toEqual({ PORT: '4300', BIND: '127.0.0.1' });
    expect(JSON.stringify(view)).not.toMatch(/secret/);
    expect(view).toMatchObject({
      name: 'mastodon-streaming-1',
      service: 'streaming',
      networkMode: 'host',
      health: 'healthy',
      running: true,
    });
  });
});

describe('address discovery', () => {
  it('host network with PORT and BIND: probes BIND:PORT', () => {
    const web = facts({ service: 'web', networkMode: 'host', env: ['BIND=0.0.0.0', 'PORT=3300', 'BIND=127.0.0.1'] });
    expect(english(discoverAddress('web', web))).toEqual({
      baseUrl: 'http://127.0.0.1:3300',
      source: 'host-network',
      how: 'mastodon-web-1 uses the host network: BIND=127.0.0.1, PORT=3300 in its environment',
    });
    const streaming = facts({
      service: 'streaming',
      networkMode: 'host',
      env: ['BIND=0.0.0.0', 'PORT=4000', 'PORT=4300', 'BIND=10.0.0.5'],
    });
    expect(english(discoverAddress('streaming', streaming)).baseUrl).toBe('http://10.0.0.5:4300');
  });

  it('host network with the defaults: 3000 for web, 4000 for streaming, a wildcard BIND reached on loopback', () => {
    expect(
      english(discoverAddress('web', facts({ service: 'web', networkMode: 'host', env: ['BIND=0.0.0.0'] }))),
    ).toMatchObject({
      baseUrl: 'http://127.0.0.1:3000',
      how: expect.stringContaining('PORT unset, so 3000'),
    });
    expect(
      english(discoverAddress('streaming', facts({ service: 'streaming', networkMode: 'host', env: [] }))),
    ).toMatchObject({
      baseUrl: 'http://127.0.0.1:4000',
      how: expect.stringContaining('BIND unset, so 127.0.0.1'),
    });
    expect(
      english(discoverAddress('web', facts({ service: 'web', networkMode: 'host', env: ['BIND=[::]', 'PORT=3001'] })))
        .baseUrl,
    ).toBe('http://[::1]:3001');
    expect(
      english(discoverAddress('web', facts({ service: 'web', networkMode: 'host', env: ['BIND=[2001:db8::5]'] })))
        .baseUrl,
    ).toBe('http://[2001:db8::5]:3000');
  });

  it('published port (the official file): the published address', () => {
    const web = facts(OFFICIAL_WEB);
    expect(english(discoverAddress('web', web))).toMatchObject({
      baseUrl: 'http://127.0.0.1:3000',
      source: 'published-port',
    });
    const moved = facts({
      service: 'streaming',
      networkMode: 'bridge',
      env: ['BIND=0.0.0.0', 'PORT=4000'],
      ports: {
        '4000/tcp': [
          { HostIp: '::', HostPort: '4400' },
          { HostIp: '0.0.0.0', HostPort: '4400' },
        ],
      },
      networks: { bridge: { IPAddress: '172.17.0.3' } },
    });
    expect(english(discoverAddress('streaming', moved))).toMatchObject({
      baseUrl: 'http://127.0.0.1:4400',
      source: 'published-port',
      how: 'mastodon-streaming-1 publishes 0.0.0.0:4400 → 4000 (PORT=4000)',
    });
  });

  it('a port published for another container port does not count', () => {
    const web = facts({
      service: 'web',
      networkMode: 'mastodon_external_network',
      env: ['BIND=0.0.0.0', 'PORT=3100'],
      ports: { '3000/tcp': [{ HostIp: '127.0.0.1', HostPort: '3000' }] },
      networks: { mastodon_external_network: { IPAddress: '172.18.0.4' } },
    });
    expect(english(discoverAddress('web', web))).toMatchObject({
      baseUrl: 'http://172.18.0.4:3100',
      source: 'bridge-address',
    });
  });

  it('bridge networks without published ports: the address on the external network and PORT', () => {
    const web = facts({
      service: 'web',
      networkMode: 'mdbridge_external_network',
      env: ['BIND=0.0.0.0'],
      ports: { '3000/tcp': null },
      networks: {
        mdbridge_internal_network: { IPAddress: '172.29.11.4' },
        mdbridge_external_network: { IPAddress: '172.29.10.2' },
      },
    });
    expect(english(discoverAddress('web', web))).toEqual({
      baseUrl: 'http://172.29.10.2:3000',
      source: 'bridge-address',
      how:
        'mastodon-web-1 publishes no port: its address on the network mdbridge_external_network, ' +
        'PORT unset, so 3000',
    });
    const loopbackOnly = facts({
      service: 'web',
      networkMode: 'proxy',
      env: ['BIND=127.0.0.1'],
      networks: { proxy: { IPAddress: '172.30.0.2' } },
    });
    expect(english(discoverAddress('web', loopbackOnly)).how).toContain('it listens inside its container only');
  });

  it('inside a container that shares a network with the service: the service name', () => {
    const web = facts(OFFICIAL_WEB);
    const own = {
      name: 'mastodash-1',
      networkMode: 'mastodon_internal_network',
      networks: [{ name: 'mastodon_internal_network', ip: '172.19.0.9', aliases: [] }],
    };
    expect(english(discoverAddress('web', web, own))).toMatchObject({
      baseUrl: 'http://web:3000',
      source: 'service-name',
      how: expect.stringContaining('shares the network mastodon_internal_network'),
    });
    const streaming = facts({
      service: 'streaming',
      networkMode: 'mastodon_external_network',
      env: ['BIND=0.0.0.0', 'PORT=4000'],
      networks: { mastodon_internal_network: { IPAddress: '172.19.0.5' } },
    });
    expect(english(discoverAddress('streaming', streaming, own)).baseUrl).toBe('http://streaming:4000');
    // No shared network, or the dashboard on the host network: the other ways apply.
    expect(
      english(discoverAddress('web', web, { ...own, networks: [{ name: 'elsewhere', ip: '10.9.0.2', aliases: [] }] }))
        .source,
    ).toBe('published-port');
    expect(english(discoverAddress('web', web, { ...own, networkMode: 'host' })).source).toBe('published-port');
  });

  it('falls back to the official layout, saying why, when there is nothing to go by', () => {
    expect(english(discoverAddress('web', undefined))).toEqual({
      baseUrl: 'http://127.0.0.1:3000',
      source: 'default',
      how: "no web container in the project; probing the official layout's 127.0.0.1:3000",
    });
    expect(
      english(discoverAddress('streaming', facts({ service: 'streaming', networkMode: 'none', env: [] }))),
    ).toMatchObject({
      baseUrl: 'http://127.0.0.1:4000',
      source: 'default',
    });
    expect(
      english(discoverAddress('web', facts({ service: 'web', networkMode: 'host', env: ['SOCKET=/tmp/puma.sock'] })))
        .how,
    ).toContain('unix socket');
  });

  it('ignores a PORT that is not a port', () => {
    expect(english(listenSetting('web', { env: { PORT: '30o0' } }))).toMatchObject({
      port: 3000,
      portFrom: 'PORT unset, so 3000',
    });
  });
});

describe('a configured URL against what the container listens on', () => {
  const hostEnv = facts({ service: 'web', networkMode: 'host', env: ['BIND=0.0.0.0', 'PORT=3300', 'BIND=127.0.0.1'] });
  const official = facts({
    service: 'web',
    networkMode: 'mastodon_external_network',
    env: ['BIND=0.0.0.0'],
    ports: { '3000/tcp': [{ HostIp: '127.0.0.1', HostPort: '3000' }] },
    networks: { mastodon_external_network: { IPAddress: '172.18.0.4' } },
  });

  it('names the port the container listens on when the URL names another', () => {
    expect(english(configuredUrlMismatch('web', 'http://127.0.0.1:3000', hostEnv))).toBe(
      'it names port 3000, but mastodon-web-1 listens on 127.0.0.1:3300 (BIND=127.0.0.1, PORT=3300) ' +
        'on the host network',
    );
    expect(english(configuredUrlMismatch('web', 'http://127.0.0.1:3300', hostEnv))).toBeUndefined();
    expect(english(configuredUrlMismatch('web', 'http://localhost:3300', hostEnv))).toBeUndefined();
    expect(english(configuredUrlMismatch('web', 'http://10.0.0.5:3300', hostEnv))).toBe(
      'it names 10.0.0.5, but mastodon-web-1 listens on 127.0.0.1:3300 (BIND=127.0.0.1, PORT=3300) on the host network',
    );
  });

  it('accepts the container port (service name) or a published port, and nothing else', () => {
    expect(english(configuredUrlMismatch('web', 'http://web:3000', official))).toBeUndefined();
    expect(english(configuredUrlMismatch('web', 'http://127.0.0.1:3000', official))).toBeUndefined();
    expect(english(configuredUrlMismatch('web', 'http://127.0.0.1:8080', official))).toBe(
      'it names port 8080, but mastodon-web-1 listens on 0.0.0.0:3000 (BIND=0.0.0.0, PORT unset, so' +
        ' 3000) and publishes it as 3000',
    );
  });
});

describe('how the address was found, in German', () => {
  it('reads in German, with the same names and settings', () => {
    const web = facts({ service: 'web', networkMode: 'host', env: ['BIND=127.0.0.1', 'PORT=3300'] });
    expect(german(discoverAddress('web', web)).how).toBe(
      'mastodon-web-1 nutzt das Host-Netzwerk: BIND=127.0.0.1, PORT=3300 in seiner Umgebung',
    );
    expect(german(discoverAddress('web', undefined)).how).toBe(
      'kein web-Container im Projekt; geprüft wird 127.0.0.1:3000 der offiziellen Aufteilung',
    );
  });
});
