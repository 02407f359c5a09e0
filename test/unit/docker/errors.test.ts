import { describe, expect, it } from 'vitest';

import { dockerUnavailable } from '@/lib/docker/errors';

const socket = { kind: 'socket' as const, socketPath: '/var/run/docker.sock', display: '/var/run/docker.sock' };

describe('dockerUnavailable says which fault it is, names the socket and the fix', () => {
  it.each([
    ['ENOENT', 'docker_socket_missing', /socket is missing/, /systemctl start docker/],
    ['EACCES', 'docker_permission_denied', /permission denied/, /docker group/],
    ['ECONNREFUSED', 'docker_daemon_down', /Docker is down/, /systemctl start docker/],
    ['ETIMEDOUT', 'docker_not_answering', /not answering/, /journalctl/],
  ])('%s', (code, expectedCode, title, fix) => {
    const error = dockerUnavailable(Object.assign(new Error('x'), { code }), socket);
    expect(error.code).toBe(expectedCode);
    expect(error.title).toMatch(title);
    expect(error.detail).toContain('/var/run/docker.sock');
    expect(error.fix).toMatch(fix);
  });

  it('a call cut off by the client timeout (ECONNRESET "socket hang up") is "not answering", a reset stream is "down"', () => {
    const hungUp = dockerUnavailable(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), socket);
    expect(hungUp.code).toBe('docker_not_answering');
    const closed = dockerUnavailable(Object.assign(new Error('Docker closed the event stream'), { code: 'ECONNRESET' }), socket);
    expect(closed.code).toBe('docker_daemon_down');
  });
});
