import 'server-only';

import type { Readable } from 'node:stream';

import { getConfig } from '../config';
import { AppError, toErrorView } from '../errors';
import { liveTopics } from '../live';
import { LiveTopic, type LiveSource } from '../live/hub';
import type { ContainersMessage } from '../live/messages';
import { containerRefSchema } from '../validations/containers';
import { dockerCalls, dockerStreams } from './client';
import { resolveProjectContainer } from './containers';
import { toContainerView } from './container-view';
import { dockerUnavailable } from './errors';
import { COMPOSE_LABELS } from './labels';
import { DockerLogDecoder, sinceAfter } from './log-decoder';
import type { LogFollowState, LogLine, LogsMessage } from './log-types';
import type { ContainerState } from './types';

/**
 * Container logs: the last lines (one request), and a live follow per container shared by every viewer.
 *
 * The follow is a LiveSource on a LiveTopic of its own, kept in a map by container name: the Docker log
 * stream opens with the first viewer and is destroyed a grace period after the last one leaves, and the
 * topic then leaves the map. It is keyed by name, not id, because `docker compose up` recreates a
 * container under the same name with a new id, and the follow continues with the new one.
 *
 * When the container stops, Docker ends the stream. The follow then says so ("stopped") and reattaches
 * when the container runs again, found by name on the containers topic (Docker events, no polling),
 * from just after the last line it delivered, so a restart loses and repeats nothing. A new follow
 * starts with the log's last lines rather than "since now", so that a viewer who rendered the page a
 * moment earlier misses nothing in between (the view drops the lines it already has).
 */

export const DEFAULT_TAIL = 200;
export const MAX_TAIL = 2000;
/** Longer lines are cut (Docker itself splits lines at 16 KiB). */
const MAX_LINE_BYTES = 8 * 1024;
/** The most text one answer of recentLogLines carries; older lines are left out beyond it. */
const MAX_RESULT_BYTES = 1024 * 1024;
/** Lines a follow keeps for viewers who join later, and the tail it starts with. */
const RECENT_LINES = 200;
/** A container that writes more than this is shown with gaps ("N lines skipped") rather than flooding browsers. */
const MAX_LINES_PER_SECOND = 1000;
const STOP_GRACE_MS = 5_000;
const RETRY_DELAYS_MS = [250, 1_000, 2_000, 5_000];

export interface LogTarget {
  id: string;
  name: string;
  service: string;
  state: ContainerState;
}

export interface RecentLogs {
  container: LogTarget;
  lines: LogLine[];
  /** True when the byte cap left older lines of the tail out. */
  truncated: boolean;
  tail: number;
  fetchedAt: string;
}

function now(): string {
  return new Date().toISOString();
}

function statusCode(error: unknown): number | undefined {
  return (error as { statusCode?: number } | undefined)?.statusCode;
}

interface InspectedTarget {
  target: LogTarget;
  tty: boolean;
  startedAt: string | undefined;
  healthcheckTest: string[] | undefined;
}

/** One inspect: the container if it belongs to the project (by label), with what the log reader needs. */
async function inspectTarget(ref: string): Promise<InspectedTarget | undefined> {
  let info;
  try {
    info = await dockerCalls().getContainer(ref).inspect();
  } catch (error) {
    if (statusCode(error) === 404) return undefined;
    throw dockerUnavailable(error, getConfig().docker);
  }
  if (info.Config?.Labels?.[COMPOSE_LABELS.project] !== getConfig().composeProject) return undefined;
  const view = toContainerView(info);
  return {
    target: { id: view.id, name: view.name, service: view.service, state: view.state },
    tty: info.Config?.Tty === true,
    startedAt: view.startedAt,
    healthcheckTest: info.Config?.Healthcheck?.Test,
  };
}

function notFound(ref: string): AppError {
  return new AppError('not_found', 'No such container', `${ref} is not a container of this compose project.`);
}

/** Keeps the newest lines whose text fits in maxBytes. */
function capBytes(lines: LogLine[], maxBytes: number): { lines: LogLine[]; truncated: boolean } {
  let bytes = 0;
  for (let i = lines.length - 1; i >= 0; i -= 1) {
    bytes += Buffer.byteLength(lines[i]!.text) + 1;
    if (bytes > maxBytes) return { lines: lines.slice(i + 1), truncated: true };
  }
  return { lines, truncated: false };
}

/**
 * The last `tail` lines (stdout and stderr, with Docker's timestamps) of a container of the project.
 * The reference is resolved among the project's own containers first: a name from the browser is never
 * passed to Docker as it is. Stopped containers have logs too (why did it stop?).
 */
export async function recentLogLines(
  ref: string,
  options: { tail?: number; maxBytes?: number } = {},
): Promise<RecentLogs> {
  const tail = Math.min(MAX_TAIL, Math.max(1, Math.floor(options.tail ?? DEFAULT_TAIL)));
  const view = await resolveProjectContainer(ref);
  const inspected = await inspectTarget(view.id);
  if (!inspected) throw notFound(ref);
  let raw: Buffer;
  try {
    raw = await dockerCalls()
      .getContainer(view.id)
      .logs({ stdout: true, stderr: true, timestamps: true, tail, follow: false });
  } catch (error) {
    if (statusCode(error) === 404) throw notFound(ref);
    throw dockerUnavailable(error, getConfig().docker);
  }
  const decoder = new DockerLogDecoder(inspected.tty, { maxLineBytes: MAX_LINE_BYTES });
  const decoded = [...decoder.push(Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw))), ...decoder.end()];
  const capped = capBytes(decoded, options.maxBytes ?? MAX_RESULT_BYTES);
  return { container: inspected.target, lines: capped.lines, truncated: capped.truncated, tail, fetchedAt: now() };
}

/** The health check command of a container of the project (compose's `healthcheck.test`), if it has one. */
export async function containerHealthcheckTest(ref: string): Promise<string[] | undefined> {
  return (await inspectTarget(ref))?.healthcheckTest;
}

/** Open Docker log streams of all follows, for the tests and benchmarks ("one stream per container"). */
const STREAMS = Symbol.for('mastodash.docker.logStreams');
function streamCounter(): { open: number } {
  const holder = globalThis as { [STREAMS]?: { open: number } };
  holder[STREAMS] ??= { open: 0 };
  return holder[STREAMS];
}

export function openLogStreamCount(): number {
  return streamCounter().open;
}

/** Follows one container's log. See the module comment for its lifecycle. */
export class ContainerLogSource implements LiveSource<LogsMessage> {
  /** Docker log streams opened by this source, and how many are open now (0 or 1). */
  readonly stats = { attaches: 0, open: 0, lines: 0, dropped: 0 };
  private active = false;
  private generation = 0;
  private stream: Readable | undefined;
  private waiting: (() => void) | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  private follow: LogFollowState = { state: 'connecting' };
  private readonly recent: LogLine[] = [];
  private cursor: string | undefined;
  private window = { startedMs: 0, count: 0 };
  private droppedSinceEmit = 0;
  private emit: (message: LogsMessage) => void = () => undefined;

  constructor(
    readonly name: string,
    private readonly onStopped: () => void = () => undefined,
  ) {}

  start(emit: (message: LogsMessage) => void): void {
    this.emit = emit;
    this.active = true;
    this.attach();
  }

  stop(): void {
    this.active = false;
    this.generation += 1;
    clearTimeout(this.retryTimer);
    this.stopWaiting();
    this.stream?.destroy();
    this.stream = undefined;
    this.recent.length = 0;
    this.cursor = undefined;
    this.follow = { state: 'connecting' };
    this.onStopped();
  }

  snapshot(): LogsMessage {
    return { type: 'snapshot', container: this.name, follow: this.follow, lines: [...this.recent], at: now() };
  }

  private attach(): void {
    clearTimeout(this.retryTimer);
    this.stopWaiting();
    const generation = ++this.generation;
    void this.attachAsync(generation);
  }

  private async attachAsync(generation: number): Promise<void> {
    let inspected: InspectedTarget | undefined;
    try {
      inspected = await inspectTarget(this.name);
    } catch (error) {
      if (generation !== this.generation) return;
      this.setFollow({ state: 'unavailable', error: toErrorView(error), since: now() });
      this.waitForRunning(generation);
      return;
    }
    if (generation !== this.generation) return;
    if (!inspected || inspected.target.state !== 'running') this.failures = 0;
    if (!inspected) {
      this.setFollow({
        state: 'stopped',
        detail: `${this.name} does not exist now; following resumes when it is created again.`,
        since: now(),
      });
      this.waitForRunning(generation);
      return;
    }
    if (inspected.target.state !== 'running') {
      this.setFollow({
        state: 'stopped',
        detail: `${this.name} is ${inspected.target.state}; following resumes when it runs again.`,
        since: now(),
      });
      this.waitForRunning(generation);
      return;
    }
    const since = this.cursor === undefined ? undefined : sinceAfter(this.cursor);
    let stream: Readable;
    try {
      stream = (await dockerStreams()
        .getContainer(inspected.target.id)
        .logs({
          follow: true,
          stdout: true,
          stderr: true,
          timestamps: true,
          ...(since ? { since } : { tail: RECENT_LINES }),
        })) as unknown as Readable;
    } catch (error) {
      if (generation !== this.generation) return;
      // 404/409: it went away or stopped between the inspect and the attach; look again shortly.
      const code = statusCode(error);
      if (code === 404 || code === 409) return this.retryLater(generation);
      this.setFollow({
        state: 'unavailable',
        error: toErrorView(dockerUnavailable(error, getConfig().docker)),
        since: now(),
      });
      this.waitForRunning(generation);
      return;
    }
    if (generation !== this.generation) {
      stream.destroy();
      return;
    }
    this.stream = stream;
    this.stats.attaches += 1;
    this.stats.open += 1;
    streamCounter().open += 1;
    const decoder = new DockerLogDecoder(inspected.tty, { maxLineBytes: MAX_LINE_BYTES });
    let ended = false;
    const finish = () => {
      if (ended) return;
      ended = true;
      this.stats.open -= 1;
      streamCounter().open -= 1;
      if (this.stream === stream) this.stream = undefined;
      if (generation !== this.generation || !this.active) return;
      this.deliver(decoder.end());
      // Docker ends a follow when the container stops; anything else (the daemon went away) is found out by looking.
      this.retryLater(generation, this.failures === 0 ? 0 : undefined);
    };
    stream.on('data', (chunk: Buffer) => {
      if (generation === this.generation) this.deliver(decoder.push(chunk));
    });
    stream.on('end', finish);
    stream.on('close', finish);
    stream.on('error', finish);
    this.setFollow({ state: 'following', since: now() });
  }

  /** Looks again after a delay that grows while attaching keeps failing with the container running. */
  private retryLater(generation: number, delayMs?: number): void {
    const delay = delayMs ?? RETRY_DELAYS_MS[Math.min(this.failures, RETRY_DELAYS_MS.length - 1)] ?? 5_000;
    this.failures += 1;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      if (this.active && generation === this.generation) this.attach();
    }, delay);
    this.retryTimer.unref();
  }

  /** Waits on the containers topic (Docker events) until a container of this name runs, then attaches. */
  private waitForRunning(generation: number): void {
    this.stopWaiting();
    let done = false;
    let unsubscribe: (() => void) | undefined;
    const stop = () => {
      done = true;
      if (unsubscribe) unsubscribe();
      // The topic may answer with its snapshot inside subscribe(), before unsubscribe exists.
      else queueMicrotask(() => unsubscribe?.());
    };
    this.waiting = stop;
    unsubscribe = liveTopics().containers.subscribe((message: ContainersMessage) => {
      if (done || generation !== this.generation || !this.active) return;
      const views =
        message.type === 'snapshot' ? message.containers : message.type === 'container' ? [message.container] : [];
      if (!views.some((view) => view.name === this.name && view.state === 'running')) return;
      this.stopWaiting();
      // At once after a normal stop; with the growing delay when attaching has been failing (no hot loop).
      this.retryLater(generation, this.failures === 0 ? 0 : undefined);
    });
    if (done) unsubscribe();
  }

  private stopWaiting(): void {
    const stop = this.waiting;
    this.waiting = undefined;
    stop?.();
  }

  private setFollow(follow: LogFollowState): void {
    const previous = this.follow;
    this.follow = follow;
    // One message per change: a daemon that stays down is not reported again on every retry.
    if (
      previous.state === follow.state &&
      previous.state === 'unavailable' &&
      follow.state === 'unavailable' &&
      previous.error.code === follow.error.code
    ) {
      this.follow = previous;
      return;
    }
    this.emit({ type: 'follow', container: this.name, follow, at: now() });
  }

  private deliver(lines: LogLine[]): void {
    if (lines.length === 0) return;
    this.failures = 0;
    const nowMs = Date.now();
    if (nowMs - this.window.startedMs >= 1000) this.window = { startedMs: nowMs, count: 0 };
    const accepted: LogLine[] = [];
    for (const line of lines) {
      if (this.cursor === undefined || line.ts > this.cursor) this.cursor = line.ts;
      if (this.window.count >= MAX_LINES_PER_SECOND) {
        this.droppedSinceEmit += 1;
        this.stats.dropped += 1;
        continue;
      }
      this.window.count += 1;
      accepted.push(line);
    }
    if (accepted.length === 0) return;
    this.stats.lines += accepted.length;
    this.recent.push(...accepted);
    if (this.recent.length > RECENT_LINES) this.recent.splice(0, this.recent.length - RECENT_LINES);
    const dropped = this.droppedSinceEmit;
    this.droppedSinceEmit = 0;
    this.emit({ type: 'lines', container: this.name, lines: accepted, ...(dropped > 0 ? { dropped } : {}), at: now() });
  }
}

interface Follow {
  topic: LiveTopic<LogsMessage>;
  source: ContainerLogSource;
}

const FOLLOWS = Symbol.for('mastodash.docker.logFollows');

function follows(): Map<string, Follow> {
  const holder = globalThis as { [FOLLOWS]?: Map<string, Follow> };
  holder[FOLLOWS] ??= new Map();
  return holder[FOLLOWS];
}

function followFor(name: string, graceMs: number): Follow {
  const map = follows();
  const existing = map.get(name);
  if (existing) return existing;
  const source: ContainerLogSource = new ContainerLogSource(name, () => {
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
        new AppError('invalid_input', 'Not a container name', parsed.error.issues[0]?.message ?? 'Choose a container.'),
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
