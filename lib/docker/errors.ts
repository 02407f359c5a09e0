import { text } from '../i18n/text';
import { AppError } from '../errors';
import type { DockerEndpoint } from '../config';

/**
 * Turns a failed Docker call into what the admin needs: which of "socket missing", "permission denied",
 * "daemon down" or "not answering" it is, the socket or address, and the likely fix.
 */
export function dockerUnavailable(error: unknown, endpoint: DockerEndpoint): AppError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const where = endpoint.display;
  if (code === 'ENOENT') {
    return new AppError(
      'docker_socket_missing',
      text('errors.docker.socketMissing.title'),
      text('errors.docker.socketMissing.detail', { where }),
      text('errors.docker.socketMissing.fix'),
    );
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return new AppError(
      'docker_permission_denied',
      text('errors.docker.permissionDenied.title'),
      text('errors.docker.permissionDenied.detail', { where }),
      text('errors.docker.permissionDenied.fix'),
    );
  }
  // docker-modem ends a call that exceeded DOCKER_TIMEOUT_MS with a bare req.destroy(), which Node reports
  // as ECONNRESET "socket hang up": the daemon accepted the connection and never answered.
  if (code === 'ECONNRESET' && error instanceof Error && error.message === 'socket hang up') {
    return new AppError(
      'docker_not_answering',
      text('errors.docker.notAnswering.title'),
      text('errors.docker.notAnswering.detail', { where }),
      text('errors.docker.notAnswering.fix'),
    );
  }
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EPIPE') {
    return new AppError(
      'docker_daemon_down',
      text('errors.docker.daemonDown.title'),
      text('errors.docker.daemonDown.detail', { where }),
      text('errors.docker.daemonDown.fix'),
    );
  }
  if (code === 'ETIMEDOUT' || code === 'timeout' || (error instanceof Error && /timeout/i.test(error.message))) {
    return new AppError(
      'docker_not_answering',
      text('errors.docker.notAnswering.title'),
      text('errors.docker.notAnswering.detail', { where }),
      text('errors.docker.notAnswering.fix'),
    );
  }
  const status = (error as { statusCode?: number } | undefined)?.statusCode;
  const message = (error as { json?: { message?: unknown } } | undefined)?.json?.message;
  // The socket proxy (deploy/socket-proxy) answers a call it does not allow with 403 and says why.
  if (status === 403 && typeof message === 'string') {
    return new AppError(
      'docker_refused',
      text('errors.docker.refused.title'),
      text('errors.docker.refused.detail', { where, message }),
      text('errors.docker.refused.fix'),
    );
  }
  // The proxy answers 502 when Docker behind it does not.
  if (status === 502 && typeof message === 'string' && message.includes('socket proxy')) {
    return new AppError(
      'docker_daemon_down',
      text('errors.docker.downBehindProxy.title'),
      text('errors.docker.downBehindProxy.detail', { where, message }),
      text('errors.docker.daemonDown.fix'),
    );
  }
  return new AppError(
    'upstream_failed',
    text('errors.docker.failed.title'),
    status
      ? text('errors.docker.failed.detailStatus', { status, where })
      : text('errors.docker.failed.detailCall', { where }),
  );
}
