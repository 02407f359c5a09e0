import { afterAll, describe, expect, it } from 'vitest';

import { openEventStream, type OpenedStream } from '../../support/event-stream';
import { plantSession } from '../../support/next-build';
import { startServer, type RunningServer } from '../../support/server';

/**
 * Docker's default stop timeout is 10 s; the launcher exits anyway 5 s after the signal (server/start.ts). A
 * stop within 4 s is the graceful one: the streams ended and the HTTP server closed.
 */
const GRACEFUL_STOP_MS = 4_000;

const servers: RunningServer[] = [];
const streams: OpenedStream[] = [];

afterAll(async () => {
  for (const stream of streams) stream.close();
  for (const server of servers) await server.stop('SIGKILL');
});

async function exitWithin(server: RunningServer, signal: NodeJS.Signals, ms: number): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const stopped = server.stop(signal).then(() => server.process.exitCode);
  const late = new Promise<'still running'>((resolve) => (timer = setTimeout(() => resolve('still running'), ms)));
  try {
    const outcome = await Promise.race([stopped, late]);
    if (outcome === 'still running') throw new Error(`still running ${ms} ms after ${signal}:\n${server.output()}`);
    return outcome;
  } finally {
    clearTimeout(timer);
  }
}

describe('stopping the server while browsers hold event streams', () => {
  it.each([
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const)(
    '%s ends the open streams cleanly and the server closes gracefully, well before Docker would kill it',
    async (signal, code) => {
      const server = await startServer({ DASHBOARD_PASSWORD: 'shutdown-stream-password' });
      servers.push(server);
      const { cookie } = plantSession(server.dataDir);
      const tabs = [
        openEventStream(server.port, cookie, ['containers']),
        openEventStream(server.port, cookie, ['jobs']),
      ];
      streams.push(...tabs);
      for (const tab of tabs) await tab.next((event) => event.event === 'stream');
      await tabs[0]?.next((event) => event.event === 'containers');

      expect(await exitWithin(server, signal, GRACEFUL_STOP_MS)).toBe(code);
      // 'the stream ended' is the response's own end: the server finished it, the connection was not cut.
      for (const tab of tabs) expect(tab.errors).toContain('the stream ended');
    },
  );
});
