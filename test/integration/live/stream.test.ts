import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ContainersMessage } from '@/lib/live/messages';
import type { LiveEnvelope, LiveStreamHello } from '@/lib/live/topic-keys';
import { openEventStream, type OpenedStream, type StreamEvent } from '../../support/event-stream';
import { plantSession } from '../../support/next-build';
import { rawRequest, startServer, type RunningServer } from '../../support/server';
import { readTestbed } from '../../support/testbed';

const testbed = readTestbed();
let server: RunningServer;
const streams: OpenedStream[] = [];

beforeAll(async () => {
  server = await startServer({ DASHBOARD_PASSWORD: 'live-stream-password-long' });
});

afterAll(async () => {
  for (const stream of streams) stream.close();
  await server.stop();
});

function open(cookie: string, topics: string[]): OpenedStream {
  const stream = openEventStream(server.port, cookie, topics);
  streams.push(stream);
  return stream;
}

async function hello(stream: OpenedStream): Promise<LiveStreamHello> {
  return (await stream.next((event) => event.event === 'stream')).data as LiveStreamHello;
}

function change(cookie: string, body: unknown, headers: Record<string, string> = { origin: server.origin }) {
  return rawRequest(server.port, {
    method: 'POST',
    path: '/api/live',
    headers: { cookie, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

const envelope = (event: StreamEvent) => event.data as LiveEnvelope;

describe('the one event stream', () => {
  it('names itself first, then carries the topics it opened with as named events', async () => {
    const { cookie } = plantSession(server.dataDir);
    const stream = open(cookie, ['containers']);
    expect((await hello(stream)).topics).toEqual(['containers']);
    expect(stream.events[0]?.event).toBe('stream');
    const snapshot = envelope(await stream.next((event) => event.event === 'containers'));
    expect(snapshot.topic).toBe('containers');
    const message = snapshot.message as ContainersMessage;
    expect(message.type).toBe('snapshot');
    if (message.type === 'snapshot')
      expect(message.containers.map((c) => c.name)).toContain(`${testbed.project}-web-1`);
  });

  it('joins a topic on the same stream with a POST, starting with its snapshot, and leaves it again', async () => {
    const { cookie } = plantSession(server.dataDir);
    const stream = open(cookie, ['jobs']);
    const { id } = await hello(stream);
    const joined = await change(cookie, { stream: id, topics: ['jobs', 'containers'] });
    expect(joined.status).toBe(200);
    expect(JSON.parse(joined.body)).toEqual({ topics: ['jobs', 'containers'] });
    expect(
      (envelope(await stream.next((event) => event.event === 'containers')).message as ContainersMessage).type,
    ).toBe('snapshot');

    const left = await change(cookie, { stream: id, topics: [] });
    expect(JSON.parse(left.body)).toEqual({ topics: [] });
    expect(stream.errors).toEqual([]);
  });

  it('answers a logs topic for a name that is not a container with one "refused" event', async () => {
    const { cookie } = plantSession(server.dataDir);
    const stream = open(cookie, []);
    const { id } = await hello(stream);
    expect((await change(cookie, { stream: id, topics: ['logs:../../etc'] })).status).toBe(200);
    const refused = envelope(await stream.next((event) => event.event === 'logs'));
    expect(refused).toMatchObject({ topic: 'logs:../../etc', message: { follow: { state: 'refused' } } });
  });

  it("guards the change as every mutation: Origin, session, the stream's own session, a valid body", async () => {
    const { cookie } = plantSession(server.dataDir);
    const other = plantSession(server.dataDir);
    const stream = open(cookie, []);
    const { id } = await hello(stream);
    expect(
      (
        await change(
          cookie,
          { stream: id, topics: ['jobs'] },
          { origin: 'http://127.0.0.1:5173', 'sec-fetch-site': 'same-site' },
        )
      ).status,
    ).toBe(403);
    expect((await change(cookie, { stream: id, topics: ['jobs'] }, {})).status).toBe(403);
    expect((await change('', { stream: id, topics: ['jobs'] })).status).toBe(401);
    expect((await change(other.cookie, { stream: id, topics: ['jobs'] })).status).toBe(404);
    expect((await change(cookie, { stream: id, topics: ['environment'] })).status).toBe(422);
    expect((await change(cookie, { stream: '00000000-0000-4000-8000-000000000000', topics: [] })).status).toBe(404);
    // None of the refused changes joined anything.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(stream.events.map((event) => event.event)).toEqual(['stream']);
  });

  it('refuses to open with an unknown topic', async () => {
    const { cookie } = plantSession(server.dataDir);
    expect(
      (await rawRequest(server.port, { path: '/api/live?topics=containers,secrets', headers: { cookie } })).status,
    ).toBe(422);
  });
});
