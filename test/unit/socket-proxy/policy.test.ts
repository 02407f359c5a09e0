import { describe, expect, it } from 'vitest';

import { decide, filtersSelectProject } from '@/lib/socket-proxy/policy';
import { loadSocketProxyConfig } from '@/lib/socket-proxy/config';

const PROJECT = 'mastodon';
const ID = 'a'.repeat(64);
const projectFilters = encodeURIComponent(JSON.stringify({ label: ['com.docker.compose.project=mastodon'] }));

describe('socket proxy policy', () => {
  it.each([
    ['GET', '/_ping'],
    ['HEAD', '/_ping'],
    ['GET', '/v1.41/version'],
    ['GET', `/v1.41/containers/json?all=true&filters=${projectFilters}`],
    ['GET', `/events?filters=${projectFilters}`],
  ])('lets %s %s through', (method, url) => {
    expect(decide(method, url, PROJECT)).toEqual({ kind: 'allow' });
  });

  it.each([
    ['GET', '/v1.41/containers/mastodon-web-1/json', 'mastodon-web-1', 'json'],
    ['GET', `/containers/${ID}/logs?stdout=1&tail=200`, ID, 'logs'],
    ['GET', `/v1.41/containers/${ID}/stats?stream=false`, ID, 'stats'],
    ['POST', `/v1.41/containers/${ID}/restart?t=10`, ID, 'restart'],
    ['POST', '/v1.41/containers/mastodon-web-1/exec', 'mastodon-web-1', 'exec'],
  ])('asks about the container for %s %s', (method, url, ref, action) => {
    expect(decide(method, url, PROJECT)).toMatchObject({ kind: 'container', ref, action });
  });

  it('answers disk usage for the project only, and only to GET', () => {
    expect(decide('GET', '/v1.41/system/df', PROJECT)).toEqual({ kind: 'project-df' });
    expect(decide('HEAD', '/v1.41/system/df', PROJECT).kind).toBe('deny');
  });

  it('keeps the version prefix and the query of a container call', () => {
    expect(decide('POST', `/v1.41/containers/${ID}/restart?t=10`, PROJECT)).toEqual({
      kind: 'container',
      ref: ID,
      action: 'restart',
      versionPrefix: '/v1.41',
      query: '?t=10',
    });
  });

  it.each([
    ['GET', `/v1.41/exec/${ID}/json`],
    ['POST', `/v1.41/exec/${ID}/start`],
  ])('asks about the exec instance for %s %s', (method, url) => {
    expect(decide(method, url, PROJECT)).toEqual({ kind: 'exec', id: ID });
  });

  it.each([
    ['POST', '/v1.41/containers/create'],
    ['POST', '/v1.41/containers/create?name=mastodon-web-1'],
    ['DELETE', `/v1.41/containers/${ID}`],
    ['POST', `/v1.41/containers/${ID}/stop`],
    ['POST', `/v1.41/containers/${ID}/kill`],
    ['POST', `/v1.41/containers/${ID}/update`],
    ['PUT', `/v1.41/containers/${ID}/archive?path=/`],
    ['GET', `/v1.41/containers/${ID}/archive?path=/etc/shadow`],
    ['GET', `/v1.41/containers/${ID}/export`],
    ['POST', `/v1.41/containers/${ID}/attach`],
    ['GET', '/v1.41/info'],
    ['POST', '/v1.41/images/create?fromImage=alpine'],
    ['POST', '/v1.41/build'],
    ['GET', '/v1.41/volumes'],
    ['POST', '/v1.41/networks/create'],
    ['GET', '/v1.41/secrets'],
    ['POST', '/v1.41/swarm/init'],
    ['POST', '/v1.41/plugins/pull'],
    ['GET', '/v1.41/containers/json'],
    ['GET', '/v1.41/containers/json?all=true'],
    [
      'GET',
      '/v1.41/containers/json?filters=' +
        encodeURIComponent(JSON.stringify({ label: ['com.docker.compose.project=other'] })),
    ],
    ['GET', '/v1.41/events'],
    ['POST', '/v1.41/_ping'],
    ['GET', `/v1.41/exec/${ID}/resize`],
    ['POST', `/v1.41/exec/${ID}/resize`],
    ['GET', '/v1.41/containers/../info'],
    ['GET', '/v1.41/containers/x/../../info'],
    ['GET', '/v1.41/containers/%2e%2e/json'],
    ['GET', '//v1.41/_ping'],
    ['GET', '/v1.41/containers/-bad/json'],
    ['GET', 'relative/_ping'],
  ])('refuses %s %s', (method, url) => {
    expect(decide(method, url, PROJECT).kind).toBe('deny');
  });

  it('reads both encodings of Docker label filters and nothing else', () => {
    expect(
      filtersSelectProject('{"label":["com.docker.compose.project=mastodon"],"status":["running"]}', PROJECT),
    ).toBe(true);
    expect(filtersSelectProject('{"label":{"com.docker.compose.project=mastodon":true}}', PROJECT)).toBe(true);
    expect(filtersSelectProject('{"label":{"com.docker.compose.project=mastodon":false}}', PROJECT)).toBe(false);
    expect(filtersSelectProject('{"label":["com.docker.compose.project=mastodon-other"]}', PROJECT)).toBe(false);
    expect(filtersSelectProject('{"label":["com.docker.compose.project"]}', PROJECT)).toBe(false);
    expect(filtersSelectProject('{"name":["mastodon"]}', PROJECT)).toBe(false);
    expect(filtersSelectProject('not json', PROJECT)).toBe(false);
    expect(filtersSelectProject(null, PROJECT)).toBe(false);
  });
});

describe('socket proxy configuration', () => {
  it('defaults to the compose project mastodon, Docker’s socket and the shared volume', () => {
    expect(loadSocketProxyConfig({})).toEqual({
      project: 'mastodon',
      upstreamSocket: '/var/run/docker.sock',
      listenPath: '/run/mastodash-proxy/docker.sock',
    });
  });

  it('refuses a TCP Docker endpoint and a bad project name, naming both keys', () => {
    expect(() => loadSocketProxyConfig({ DOCKER_HOST: 'tcp://127.0.0.1:2375', COMPOSE_PROJECT: 'Bad Name' })).toThrow(
      /COMPOSE_PROJECT: must be a compose project name[\s\S]*DOCKER_HOST: must be unix:/,
    );
  });
});
