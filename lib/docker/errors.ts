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
      'Docker is down: its socket is missing',
      `${where} does not exist, so the Docker daemon is not running or DOCKER_HOST points elsewhere.`,
      'Start Docker (systemctl start docker) or set DOCKER_HOST to the right socket.',
    );
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return new AppError(
      'docker_permission_denied',
      'Docker refused access: permission denied',
      `The dashboard's user may not open ${where}.`,
      "Add the dashboard's user to the docker group (usermod -aG docker <user>), or in a container run with" +
        " group_add: the socket's group id.",
    );
  }
  // docker-modem ends a call that exceeded DOCKER_TIMEOUT_MS with a bare req.destroy(), which Node reports
  // as ECONNRESET "socket hang up": the daemon accepted the connection and never answered.
  if (code === 'ECONNRESET' && error instanceof Error && error.message === 'socket hang up') {
    return new AppError(
      'docker_not_answering',
      'Docker is not answering',
      `${where} accepted the connection but did not answer in time.`,
      'The daemon may be overloaded or hung: check journalctl -u docker.',
    );
  }
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EPIPE') {
    return new AppError(
      'docker_daemon_down',
      'Docker is down: nothing answers',
      `${where} refused the connection; the Docker daemon is stopped or restarting.`,
      'Start Docker (systemctl start docker) and check journalctl -u docker.',
    );
  }
  if (code === 'ETIMEDOUT' || code === 'timeout' || (error instanceof Error && /timeout/i.test(error.message))) {
    return new AppError(
      'docker_not_answering',
      'Docker is not answering',
      `${where} accepted the connection but did not answer in time.`,
      'The daemon may be overloaded or hung: check journalctl -u docker.',
    );
  }
  const status = (error as { statusCode?: number } | undefined)?.statusCode;
  const message = (error as { json?: { message?: unknown } } | undefined)?.json?.message;
  // The socket proxy (deploy/socket-proxy) answers a call it does not allow with 403 and says why.
  if (status === 403 && typeof message === 'string') {
    return new AppError(
      'docker_refused',
      'Docker refused the call',
      `${where} answered: ${message}`,
      "A socket proxy in front of Docker allows only what the dashboard needs on COMPOSE_PROJECT's containers; check" +
        ' that COMPOSE_PROJECT names the same project for the dashboard and the proxy.',
    );
  }
  // The proxy answers 502 when Docker behind it does not.
  if (status === 502 && typeof message === 'string' && message.includes('socket proxy')) {
    return new AppError(
      'docker_daemon_down',
      'Docker is down behind the socket proxy',
      `${where} answered: ${message}`,
      'Start Docker (systemctl start docker) and check journalctl -u docker.',
    );
  }
  return new AppError(
    'upstream_failed',
    'Docker returned an error',
    status ? `HTTP ${status} from ${where}.` : `The call to ${where} failed.`,
  );
}
