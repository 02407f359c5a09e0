import 'server-only';

import type { Readable } from 'node:stream';

import { dockerStreams } from './client';
import { projectFilter } from './labels';

export interface DockerEvent {
  Type: string;
  Action: string;
  Actor: { ID: string; Attributes?: Record<string, string> };
  timeNano?: number;
}

/** Actions that can change what the containers view shows; exec_* (every health probe) and the like cannot. */
const VIEW_CHANGING_ACTION =
  /^(create|start|restart|stop|die|kill|oom|pause|unpause|destroy|rename|update|health_status)/;

export function changesContainerView(event: DockerEvent): boolean {
  return event.Type === 'container' && VIEW_CHANGING_ACTION.test(event.Action);
}

export interface EventSubscription {
  close(): void;
}

/**
 * Follows Docker's event stream for the project's containers (or only the one with id `container`).
 * `onEnd` fires once, when the stream fails or ends for any reason other than close(); the caller
 * decides whether to reconnect.
 */
export async function followProjectEvents(
  project: string,
  onEvent: (event: DockerEvent) => void,
  onEnd: (error: unknown) => void,
  options: { container?: string } = {},
): Promise<EventSubscription> {
  const stream = (await dockerStreams().getEvents({
    filters: {
      ...projectFilter(project),
      type: ['container'],
      ...(options.container ? { container: [options.container] } : {}),
    },
  })) as unknown as Readable;
  let closed = false;
  let buffered = '';
  const end = (error: unknown) => {
    if (closed) return;
    closed = true;
    stream.destroy();
    onEnd(error);
  };
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buffered += chunk;
    let newline = buffered.indexOf('\n');
    while (newline !== -1) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (line) {
        try {
          onEvent(JSON.parse(line) as DockerEvent);
        } catch {
          // A malformed line is skipped; the next resync corrects any state it would have changed.
        }
      }
      newline = buffered.indexOf('\n');
    }
  });
  stream.on('error', (error) => end(error));
  stream.on('end', () => end(Object.assign(new Error('Docker closed the event stream'), { code: 'ECONNRESET' })));
  stream.on('close', () => end(Object.assign(new Error('Docker closed the event stream'), { code: 'ECONNRESET' })));
  return {
    close() {
      closed = true;
      stream.destroy();
    },
  };
}
