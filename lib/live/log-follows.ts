import 'server-only';

import { resolveProjectContainer } from '../docker/containers';
import { ContainerLogSource, RETRY_DELAYS_MS } from '../docker/log-follow';
import type { LogsMessage } from '../docker/log-types';
import { AppError, toErrorView } from '../errors';
import { decodeText, encodeText, text } from '../i18n/text';
import { processSingleton } from '../process/singleton';
import { containerRefSchema } from '../validations/containers';
import { LiveTopic } from './hub';
import { watchProjectContainers } from './index';

/**
 * The `logs:NAME` topics: one follow of a container's log (lib/docker/log-follow.ts) per container name,
 * shared by every viewer. The follow's topic is made with the first viewer, its Docker log stream is
 * destroyed a grace period after the last one leaves, and the topic then leaves the map.
 */

const STOP_GRACE_MS = 5_000;

function now(): string {
  return new Date().toISOString();
}

interface Follow {
  topic: LiveTopic<LogsMessage>;
  source: ContainerLogSource;
}

function follows(): Map<string, Follow> {
  return processSingleton('docker.logFollows', () => new Map<string, Follow>());
}

function followFor(name: string, graceMs: number): Follow {
  const map = follows();
  const existing = map.get(name);
  if (existing) return existing;
  const source: ContainerLogSource = new ContainerLogSource(name, watchProjectContainers, () => {
    if (map.get(name)?.source === source) map.delete(name);
  });
  const follow = { topic: new LiveTopic(source, graceMs), source };
  map.set(name, follow);
  return follow;
}

/** The follows that exist now (a topic leaves this list when its source stops). */
export function activeLogFollows(): {
  name: string;
  listeners: number;
  running: boolean;
  stats: ContainerLogSource['stats'];
}[] {
  return [...follows().entries()].map(([name, { topic, source }]) => ({
    name,
    listeners: topic.listenerCount,
    running: topic.isRunning,
    stats: { ...source.stats },
  }));
}

function refused(container: string, error: AppError): LogsMessage {
  return { type: 'follow', container, follow: { state: 'refused', error: error.toView() }, at: now() };
}

/**
 * Subscribes one viewer to a container's log follow; returns the unsubscribe. `ref` comes from the
 * browser: it is validated, then resolved among the project's containers; anything else gets one
 * "refused" message and nothing is followed. While Docker cannot answer the lookup, it is retried.
 */
export function followContainerLogs(
  ref: unknown,
  send: (message: LogsMessage) => void,
  options: { graceMs?: number } = {},
): () => void {
  const graceMs = options.graceMs ?? STOP_GRACE_MS;
  let closed = false;
  let unsubscribe: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  const parsed = containerRefSchema.safeParse(ref);
  if (!parsed.success) {
    send(
      refused(
        typeof ref === 'string' ? ref.slice(0, 128) : '',
        new AppError(
          'invalid_input',
          text('containers.errors.notContainerName'),
          decodeText(parsed.error.issues[0]?.message ?? encodeText(text('containers.fields.required'))),
        ),
      ),
    );
    return () => undefined;
  }
  const name = parsed.data;
  let attempts = 0;
  const resolve = () => {
    resolveProjectContainer(name).then(
      (view) => {
        if (!closed) unsubscribe = followFor(view.name, graceMs).topic.subscribe(send);
      },
      (error: unknown) => {
        if (closed) return;
        if (error instanceof AppError && error.code === 'not_found') return send(refused(name, error));
        if (attempts === 0)
          send({
            type: 'follow',
            container: name,
            follow: { state: 'unavailable', error: toErrorView(error), since: now() },
            at: now(),
          });
        const delay = RETRY_DELAYS_MS[Math.min(attempts, RETRY_DELAYS_MS.length - 1)] ?? 5_000;
        attempts += 1;
        timer = setTimeout(resolve, delay);
        timer.unref();
      },
    );
  };
  resolve();
  return () => {
    closed = true;
    clearTimeout(timer);
    unsubscribe?.();
  };
}
