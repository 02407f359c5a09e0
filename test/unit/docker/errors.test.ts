import { describe, expect, it } from 'vitest';

import { dockerUnavailable } from '@/lib/docker/errors';
import { inEnglish, translatorFor } from '@/lib/i18n/english';
import { renderText } from '@/lib/i18n/text';

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
    expect(inEnglish(error.title)).toMatch(title);
    expect(inEnglish(error.detail)).toContain('/var/run/docker.sock');
    expect(inEnglish(error.fix ?? '')).toMatch(fix);
    // The same fault in German names the same socket, in other words.
    const german = renderText(translatorFor('de'), error.detail);
    expect(german).toContain('/var/run/docker.sock');
    expect(german).not.toBe(inEnglish(error.detail));
  });

  it('a call cut by the client timeout (ECONNRESET "socket hang up") is "not answering"; a reset stream "down"', () => {
    const hungUp = dockerUnavailable(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), socket);
    expect(hungUp.code).toBe('docker_not_answering');
    const closed = dockerUnavailable(
      Object.assign(new Error('Docker closed the event stream'), { code: 'ECONNRESET' }),
      socket,
    );
    expect(closed.code).toBe('docker_daemon_down');
  });

  it(
    'a 403 from the socket proxy is "refused" with its reason; its 502 is "down behind the' +
      ' proxy"; other statuses stay generic',
    () => {
      const proxied = {
        kind: 'socket' as const,
        socketPath: '/run/mastodash-proxy/docker.sock',
        display: '/run/mastodash-proxy/docker.sock',
      };
      const reason = 'mastodash socket proxy: POST /containers/create refused: the dashboard never makes this call';
      const refused = dockerUnavailable(
        Object.assign(new Error('(HTTP code 403)'), { statusCode: 403, json: { message: reason } }),
        proxied,
      );
      expect(refused.code).toBe('docker_refused');
      expect(inEnglish(refused.detail)).toBe(`/run/mastodash-proxy/docker.sock answered: ${reason}`);
      expect(inEnglish(refused.fix ?? '')).toMatch(/COMPOSE_PROJECT/);
      const behind = 'Docker behind the socket proxy did not answer: connect ECONNREFUSED /var/run/docker.sock';
      const down = dockerUnavailable(
        Object.assign(new Error('(HTTP code 502)'), { statusCode: 502, json: { message: behind } }),
        proxied,
      );
      expect(down.code).toBe('docker_daemon_down');
      expect(inEnglish(down.detail)).toContain(behind);
      const other = dockerUnavailable(
        Object.assign(new Error('(HTTP code 500)'), { statusCode: 500, json: { message: 'boom' } }),
        proxied,
      );
      expect(other.code).toBe('upstream_failed');
    },
  );
});
