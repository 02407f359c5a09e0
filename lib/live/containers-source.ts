import 'server-only';

import { getConfig } from '../config';
import { inspectProjectContainer, listProjectContainers } from '../docker/containers';
import { dockerUnavailable } from '../docker/errors';
import { changesContainerView, followProjectEvents, type DockerEvent, type EventSubscription } from '../docker/events';
import type { ContainerView } from '../docker/types';
import { AppError, toErrorView } from '../errors';
import type { ContainersMessage, DockerStatus } from './messages';

const RECONNECT_DELAYS_MS = [500, 1_000, 2_000, 2_000];

function followKey(): string {
  const config = getConfig();
  return `${config.composeProject}|${config.docker.display}`;
}

function now(): string {
  return new Date().toISOString();
}

/**
 * Keeps the project's containers in memory from one Docker event subscription. Each event re-inspects
 * only the container it names; a reconnect lists everything again, so nothing missed while the stream
 * was down survives as stale state.
 */
export class ContainersSource {
  /** `list` is replaceable so that tests can hold a listing back and make an event overtake it. */
  constructor(private readonly list: () => Promise<ContainerView[]> = listProjectContainers) {}

  private readonly containers = new Map<string, ContainerView>();
  private docker: DockerStatus | undefined;
  private synced = false;
  private active = false;
  private generation = 0;
  private subscription: EventSubscription | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly dirty = new Set<string>();
  /** Containers named by events that arrived while the listing was in flight; re-inspected once it is applied. */
  private readonly changedDuringList = new Set<string>();
  private emit: (message: ContainersMessage) => void = () => undefined;
  /** The project and Docker endpoint this run follows; the configuration is fixed in production, not in tests. */
  private followed: string | undefined;

  /** Docker API calls made by this source, for the benchmarks and the "no polling" tests. */
  readonly stats = { connects: 0, lists: 0, inspects: 0, events: 0 };

  start(emit: (message: ContainersMessage) => void): void {
    this.emit = emit;
    this.active = true;
    this.followed = followKey();
    void this.connect(this.generation);
  }

  stop(): void {
    this.active = false;
    this.generation += 1;
    clearTimeout(this.retryTimer);
    this.subscription?.close();
    this.subscription = undefined;
    this.containers.clear();
    this.synced = false;
    this.docker = undefined;
    this.followed = undefined;
  }

  /** Whether this source runs for the configured project and Docker endpoint. */
  follows(): boolean {
    return this.followed === followKey();
  }

  snapshot(): ContainersMessage | undefined {
    if (!this.docker) return undefined;
    if (!this.docker.ok)
      return { type: 'snapshot', project: getConfig().composeProject, containers: [], docker: this.docker, at: now() };
    if (!this.synced) return undefined;
    return {
      type: 'snapshot',
      project: getConfig().composeProject,
      containers: [...this.containers.values()],
      docker: this.docker,
      at: now(),
    };
  }

  private async connect(generation: number): Promise<void> {
    const project = getConfig().composeProject;
    try {
      this.stats.connects += 1;
      // Subscribe before listing: an event that lands during the list is then applied, not lost.
      const subscription = await followProjectEvents(
        project,
        (event) => this.onEvent(event, generation),
        (error) => this.onStreamEnd(error, generation),
      );
      if (generation !== this.generation) {
        subscription.close();
        return;
      }
      this.subscription = subscription;
      this.stats.lists += 1;
      this.changedDuringList.clear();
      const containers = await this.list();
      if (generation !== this.generation) return;
      this.containers.clear();
      for (const container of containers) this.containers.set(container.id, container);
      this.synced = true;
      this.failures = 0;
      this.docker = { ok: true };
      const snapshot = this.snapshot();
      if (snapshot) this.emit(snapshot);
      // The listing may be older than an event that came while it ran: look at those containers again.
      const changed = [...this.changedDuringList];
      this.changedDuringList.clear();
      for (const id of changed) this.refresh(id, generation);
    } catch (error) {
      if (generation !== this.generation) return;
      this.subscription?.close();
      this.subscription = undefined;
      this.fail(error);
    }
  }

  private onStreamEnd(error: unknown, generation: number): void {
    if (generation !== this.generation || !this.active) return;
    this.subscription = undefined;
    this.fail(error);
  }

  private fail(error: unknown): void {
    const appError = error instanceof AppError ? error : dockerUnavailable(error, getConfig().docker);
    const view = toErrorView(appError);
    const since = this.docker && !this.docker.ok ? this.docker.since : now();
    const changed = !this.docker || this.docker.ok || this.docker.error.code !== view.code;
    this.docker = { ok: false, error: view, since };
    this.synced = false;
    this.containers.clear();
    if (changed) this.emit({ type: 'docker', docker: this.docker, at: now() });
    const delay = RECONNECT_DELAYS_MS[Math.min(this.failures, RECONNECT_DELAYS_MS.length - 1)] ?? 2_000;
    this.failures += 1;
    this.generation += 1;
    const generation = this.generation;
    this.retryTimer = setTimeout(() => {
      if (this.active && generation === this.generation) void this.connect(generation);
    }, delay);
    this.retryTimer.unref();
  }

  private onEvent(event: DockerEvent, generation: number): void {
    if (generation !== this.generation || !changesContainerView(event)) return;
    this.stats.events += 1;
    const id = event.Actor.ID;
    if (!this.synced) this.changedDuringList.add(id);
    if (event.Action === 'destroy') {
      if (this.containers.delete(id)) this.emit({ type: 'removed', id, at: now() });
      return;
    }
    this.refresh(id, generation);
  }

  /** Coalesces bursts (die, stop, start arrive together): at most one inspect in flight per container. */
  private refresh(id: string, generation: number): void {
    if (this.inFlight.has(id)) {
      this.dirty.add(id);
      return;
    }
    const work = (async () => {
      try {
        this.stats.inspects += 1;
        const view = await inspectProjectContainer(id);
        if (generation !== this.generation) return;
        if (view) {
          this.containers.set(id, view);
          if (this.synced) this.emit({ type: 'container', container: view, at: now() });
        } else if (this.containers.delete(id) && this.synced) {
          this.emit({ type: 'removed', id, at: now() });
        }
      } catch {
        // The event stream reports a dead daemon itself; a single failed inspect is retried on the next event.
      } finally {
        this.inFlight.delete(id);
        if (this.dirty.delete(id) && generation === this.generation) this.refresh(id, generation);
      }
    })();
    this.inFlight.set(id, work);
  }
}
