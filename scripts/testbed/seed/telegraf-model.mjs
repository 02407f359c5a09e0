// The Telegraf data that scripts/testbed/seed/influx.mjs writes into the test bed's InfluxDB, as a pure, deterministic
// model: tests build the same model from the anchor stored in the database and compute the exact expected values.
//
// Names, tags and field types follow Telegraf's inputs.docker, mem, cpu, system and disk plugins exactly
// (influxdata/telegraf plugins/inputs/{docker,mem,cpu,system,disk}/README.md).
import { createHash } from 'node:crypto';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

export const SEED_DATABASE = 'telegraf';
/** Timestamps of the last SEED_FINE_SPAN_MS are SEED_STEP_MS apart; older ones SEED_COARSE_STEP_MS apart. */
export const SEED_STEP_MS = 10 * SECOND;
export const SEED_COARSE_STEP_MS = 60 * SECOND;
export const SEED_FINE_SPAN_MS = 30 * HOUR;
export const SEED_SPAN_MS = 8 * DAY;
/** Holds one point at the anchor whose field anchor_ms is the anchor; tests read it back. */
export const SEED_MARKER_MEASUREMENT = 'mastodash_testbed_seed';

export const DEFAULT_PROJECTS = ['mdtest', 'mdother', 'mdtest-staging'];
/**
 * Projects whose container series lack the com.docker.compose.* tags (Telegraf without docker_label_include).
 * mdtest-staging's names start with mdtest's, so matching by name must not mix the two.
 */
export const LABEL_FREE_PROJECTS = ['mdother', 'mdtest-staging'];
/** The project whose web crashed 26 h ago and whose sidekiq was stopped 10 min ago. */
export const INCIDENT_PROJECT = 'mdtest';
export const SERVICES = ['web', 'streaming', 'sidekiq', 'db', 'redis'];

/** Telegraf's global `host` tag, and the Docker engine's name (`engine_host`). */
export const HOST = 'mastodon-host';
export const ENGINE_HOST = 'mastodon-host';
export const SERVER_VERSION = '20.10.24+dfsg1';
export const MASTODON_VERSION = 'v4.3.17';
export const HOST_MEM_TOTAL = 24 * GIB;
export const HOST_N_CPUS = 4;
export const DISK_TOTAL = 150 * GIB;

export const HOST_MEASUREMENTS = ['mem', 'cpu', 'system', 'disk'];
export const CONTAINER_MEASUREMENTS = [
  'docker_container_mem',
  'docker_container_cpu',
  'docker_container_status',
  'docker_container_health',
  'docker_container_net',
];

/** Field types per measurement as InfluxDB reports them in SHOW FIELD KEYS. */
export const FIELD_TYPES = {
  mem: {
    total: 'integer',
    available: 'integer',
    available_percent: 'float',
    used: 'integer',
    used_percent: 'float',
    free: 'integer',
    cached: 'integer',
    buffered: 'integer',
    active: 'integer',
    inactive: 'integer',
    shared: 'integer',
    slab: 'integer',
    swap_total: 'integer',
    swap_free: 'integer',
    swap_cached: 'integer',
  },
  cpu: {
    usage_user: 'float',
    usage_system: 'float',
    usage_idle: 'float',
    usage_nice: 'float',
    usage_iowait: 'float',
    usage_irq: 'float',
    usage_softirq: 'float',
    usage_steal: 'float',
    usage_guest: 'float',
    usage_guest_nice: 'float',
  },
  system: {
    load1: 'float',
    load5: 'float',
    load15: 'float',
    n_cpus: 'integer',
    n_users: 'integer',
    n_unique_users: 'integer',
    uptime: 'integer',
  },
  disk: {
    total: 'integer',
    used: 'integer',
    free: 'integer',
    used_percent: 'float',
    inodes_total: 'integer',
    inodes_used: 'integer',
    inodes_free: 'integer',
  },
  // cgroup v2 (Debian 12): max_usage is 0 and only these raw memory.stat keys exist.
  docker_container_mem: {
    usage: 'integer',
    usage_percent: 'float',
    limit: 'integer',
    max_usage: 'integer',
    container_id: 'string',
    active_anon: 'integer',
    active_file: 'integer',
    inactive_anon: 'integer',
    inactive_file: 'integer',
    pgfault: 'integer',
    pgmajfault: 'integer',
    unevictable: 'integer',
  },
  docker_container_cpu: {
    usage_total: 'integer',
    usage_in_usermode: 'integer',
    usage_in_kernelmode: 'integer',
    usage_system: 'integer',
    throttling_periods: 'integer',
    throttling_throttled_periods: 'integer',
    throttling_throttled_time: 'integer',
    usage_percent: 'float',
    container_id: 'string',
  },
  // finished_at appears only once a container has stopped at least once (the web crash).
  docker_container_status: {
    container_id: 'string',
    oomkilled: 'boolean',
    pid: 'integer',
    exitcode: 'integer',
    restart_count: 'integer',
    started_at: 'integer',
    finished_at: 'integer',
    uptime_ns: 'integer',
  },
  docker_container_health: {
    health_status: 'string',
    failing_streak: 'integer',
  },
  docker_container_net: {
    rx_bytes: 'integer',
    rx_packets: 'integer',
    rx_errors: 'integer',
    rx_dropped: 'integer',
    tx_bytes: 'integer',
    tx_packets: 'integer',
    tx_errors: 'integer',
    tx_dropped: 'integer',
    container_id: 'string',
  },
};

/** Per service: image, memory (MiB) and CPU (%) as base ± amplitude sine waves, network rates (bytes/s). */
export const SERVICE_PROFILES = {
  web: {
    image: 'ghcr.io/mastodon/mastodon',
    memMiB: [600, 20],
    cpuPercent: [8, 4],
    rxBps: [60_000, 20_000],
    txBps: [150_000, 50_000],
  },
  streaming: {
    image: 'ghcr.io/mastodon/mastodon-streaming',
    memMiB: [120, 5],
    cpuPercent: [1, 0.5],
    rxBps: [5_000, 1_000],
    txBps: [20_000, 5_000],
  },
  sidekiq: {
    image: 'ghcr.io/mastodon/mastodon',
    memMiB: [450, 30],
    cpuPercent: [12, 8],
    rxBps: [80_000, 30_000],
    txBps: [40_000, 10_000],
  },
  db: {
    image: 'postgres',
    version: '14-alpine',
    memMiB: [250, 10],
    cpuPercent: [3, 1.5],
    rxBps: [30_000, 10_000],
    txBps: [90_000, 30_000],
  },
  redis: {
    image: 'redis',
    version: '7-alpine',
    memMiB: [40, 2],
    cpuPercent: [0.5, 0.2],
    rxBps: [20_000, 5_000],
    txBps: [25_000, 5_000],
  },
};
/** Container waves: memory period 1 h, CPU 20 min, network 30 min; each service shifted by 7 min per index. */
const MEM_PERIOD_MS = HOUR;
const CPU_PERIOD_MS = 20 * MINUTE;
const NET_PERIOD_MS = 30 * MINUTE;
const SERVICE_PHASE_MS = 7 * MINUTE;
/** Host waves: mem used_percent 11 ± 1.5 over 6 h; CPU busy 17.5 ± 12.5 (5–30 %) over 2 h. */
export const HOST_MEM_USED_PERCENT = [11, 1.5];
export const HOST_CPU_BUSY_PERCENT = [17.5, 12.5];
const HOST_MEM_PERIOD_MS = 6 * HOUR;
const HOST_CPU_PERIOD_MS = 2 * HOUR;
/** The first project runs at full scale; every other project at half (so graphs tell them apart). */
export function projectScale(projectIndex) {
  return projectIndex === 0 ? 1 : 0.5;
}

export const UNHEALTHY_BEFORE_CRASH_MS = 5 * MINUTE;

/** Floors a wall-clock time to the seed grid; this is the anchor (end of the seeded span, inclusive). */
export function alignAnchor(nowMs) {
  return Math.floor(nowMs / SEED_STEP_MS) * SEED_STEP_MS;
}

export function seriesKeyOf(measurement, containerName) {
  return containerName === undefined ? measurement : `${measurement}:${containerName}`;
}

export function containerNameOf(project, service) {
  return `${project}-${service}-1`;
}

function wave(t, [base, amp], periodMs, phaseMs) {
  return base + amp * Math.sin((2 * Math.PI * (t + phaseMs)) / periodMs);
}

/** ∫ wave dt from a to b, in (unit × seconds). */
function waveIntegral(a, b, [base, amp], periodMs, phaseMs) {
  const k = (2 * Math.PI) / periodMs;
  return (
    (base * (b - a)) / SECOND +
    ((amp * periodMs) / SECOND / (2 * Math.PI)) * (Math.cos(k * (a + phaseMs)) - Math.cos(k * (b + phaseMs)))
  );
}

function containerId(name) {
  return createHash('sha256').update(`mastodash-testbed:${name}`).digest('hex');
}

/**
 * @param {{ anchorMs: number, projects?: string[] }} options anchorMs must lie on the 10 s grid (alignAnchor).
 */
export function createTelegrafModel({ anchorMs, projects = DEFAULT_PROJECTS }) {
  if (anchorMs % SEED_STEP_MS !== 0) throw new Error(`anchorMs ${anchorMs} is not aligned to ${SEED_STEP_MS} ms`);
  const startMs = anchorMs - SEED_SPAN_MS;
  const fineStartMs = anchorMs - SEED_FINE_SPAN_MS;
  const hostBootMs = anchorMs - 12 * DAY;

  const webCrash = { fromMs: anchorMs - 26 * HOUR, toMs: anchorMs - 25 * HOUR - 30 * MINUTE };
  const hasIncidentProject = projects.includes(INCIDENT_PROJECT);

  const gaps = [
    {
      name: 'host-outage',
      description: 'host metrics missing for 20 min, from 3 h to 2 h 40 min before the anchor',
      seriesKeys: [...HOST_MEASUREMENTS],
      fromMs: anchorMs - 3 * HOUR,
      toMs: anchorMs - 2 * HOUR - 40 * MINUTE,
    },
  ];
  if (hasIncidentProject) {
    const web = containerNameOf(INCIDENT_PROJECT, 'web');
    const sidekiq = containerNameOf(INCIDENT_PROJECT, 'sidekiq');
    gaps.push(
      {
        name: 'web-crash',
        description: `${web} missing for 30 min from 26 h before the anchor (crashed, restarted with restart_count 1)`,
        seriesKeys: CONTAINER_MEASUREMENTS.map((m) => seriesKeyOf(m, web)),
        fromMs: webCrash.fromMs,
        toMs: webCrash.toMs,
      },
      {
        name: 'sidekiq-stopped',
        description: `${sidekiq} has no data in the last 10 min (a stopped container vanishes from Telegraf)`,
        seriesKeys: CONTAINER_MEASUREMENTS.map((m) => seriesKeyOf(m, sidekiq)),
        fromMs: anchorMs - 10 * MINUTE,
        toMs: anchorMs + 1,
      },
    );
  }

  const series = [];
  const hostTags = { host: HOST };
  series.push({ key: 'mem', measurement: 'mem', tags: { ...hostTags } });
  series.push({ key: 'cpu', measurement: 'cpu', tags: { cpu: 'cpu-total', ...hostTags } });
  series.push({ key: 'system', measurement: 'system', tags: { ...hostTags } });
  series.push({
    key: 'disk',
    measurement: 'disk',
    tags: { device: 'sda1', fstype: 'ext4', mode: 'rw', path: '/', ...hostTags },
  });

  /** Per container name: what the value functions need. */
  const containers = new Map();
  projects.forEach((project, projectIndex) => {
    const labelled = !LABEL_FREE_PROJECTS.includes(project);
    SERVICES.forEach((service, serviceIndex) => {
      const profile = SERVICE_PROFILES[service];
      const name = containerNameOf(project, service);
      const scale = projectScale(projectIndex);
      const crashed = project === INCIDENT_PROJECT && service === 'web';
      containers.set(name, {
        project,
        service,
        id: containerId(name),
        scale,
        phaseMs: serviceIndex * SERVICE_PHASE_MS,
        profile,
        firstStartMs: anchorMs - 10 * DAY + projectIndex * MINUTE + serviceIndex * 5 * SECOND,
        firstPid: 1000 + projectIndex * 100 + serviceIndex * 10,
        crash: crashed ? webCrash : undefined,
      });
      const tags = {
        container_image: profile.image,
        container_name: name,
        container_status: 'running',
        container_version: profile.version ?? MASTODON_VERSION,
        engine_host: ENGINE_HOST,
        server_version: SERVER_VERSION,
        host: HOST,
      };
      if (labelled) {
        tags['com.docker.compose.project'] = project;
        tags['com.docker.compose.service'] = service;
      }
      const extra = { docker_container_cpu: { cpu: 'cpu-total' }, docker_container_net: { network: 'total' } };
      for (const measurement of CONTAINER_MEASUREMENTS) {
        series.push({
          key: seriesKeyOf(measurement, name),
          measurement,
          tags: { ...tags, ...(extra[measurement] ?? {}) },
          project,
          service,
          containerName: name,
        });
      }
    });
  });
  const seriesIndex = new Map(series.map((s) => [s.key, s]));
  const gapsBySeries = new Map();
  for (const gap of gaps) {
    for (const key of gap.seriesKeys) gapsBySeries.set(key, [...(gapsBySeries.get(key) ?? []), gap]);
  }

  function stepAt(t) {
    return t >= fineStartMs ? SEED_STEP_MS : SEED_COARSE_STEP_MS;
  }

  function onGrid(t) {
    return t >= startMs && t <= anchorMs && t % stepAt(t) === 0;
  }

  /** Every grid timestamp in [fromMs, toMs) (a series has a point there unless a gap covers it). */
  function timestamps(fromMs = startMs, toMs = anchorMs + 1) {
    const out = [];
    const lo = Math.max(fromMs, startMs);
    const hi = Math.min(toMs, anchorMs + 1);
    const coarseEnd = Math.min(hi, fineStartMs);
    for (let t = Math.ceil(lo / SEED_COARSE_STEP_MS) * SEED_COARSE_STEP_MS; t < coarseEnd; t += SEED_COARSE_STEP_MS)
      out.push(t);
    for (let t = Math.ceil(Math.max(lo, fineStartMs) / SEED_STEP_MS) * SEED_STEP_MS; t < hi; t += SEED_STEP_MS)
      out.push(t);
    return out;
  }

  function getSeries(key) {
    const s = seriesIndex.get(key);
    if (!s) throw new Error(`unknown series ${key}`);
    return s;
  }

  function isSeeded(key, t) {
    getSeries(key);
    if (!onGrid(t)) return false;
    return !(gapsBySeries.get(key) ?? []).some((g) => t >= g.fromMs && t < g.toMs);
  }

  function hostFields(measurement, t) {
    switch (measurement) {
      case 'mem': {
        const total = HOST_MEM_TOTAL;
        const used = Math.round((total * wave(t, HOST_MEM_USED_PERCENT, HOST_MEM_PERIOD_MS, 0)) / 100);
        const available = total - used;
        const cached = Math.round(6 * GIB + 256 * MIB * Math.sin((2 * Math.PI * t) / DAY));
        const buffered = 256 * MIB;
        return {
          total,
          available,
          available_percent: (available / total) * 100,
          used,
          used_percent: (used / total) * 100,
          free: total - used - cached - buffered,
          cached,
          buffered,
          active: Math.round(used * 0.8),
          inactive: Math.round(cached * 0.6),
          shared: 64 * MIB,
          slab: 512 * MIB,
          swap_total: 0,
          swap_free: 0,
          swap_cached: 0,
        };
      }
      case 'cpu': {
        const busy = wave(t, HOST_CPU_BUSY_PERCENT, HOST_CPU_PERIOD_MS, 0);
        return {
          usage_user: busy * 0.6,
          usage_system: busy * 0.3,
          usage_idle: 100 - busy,
          usage_nice: 0,
          usage_iowait: busy * 0.1,
          usage_irq: 0,
          usage_softirq: 0,
          usage_steal: 0,
          usage_guest: 0,
          usage_guest_nice: 0,
        };
      }
      case 'system':
        return {
          load1: wave(t, [0.6, 0.4], 30 * MINUTE, 0),
          load5: wave(t, [0.6, 0.2], HOUR, 0),
          load15: wave(t, [0.6, 0.1], 3 * HOUR, 0),
          n_cpus: HOST_N_CPUS,
          n_users: 1,
          n_unique_users: 1,
          uptime: Math.floor((t - hostBootMs) / SECOND),
        };
      case 'disk': {
        // Grows 512 MiB a day; 5 % of the file system is reserved for root, so used + free < total as on ext4.
        const total = DISK_TOTAL;
        const used = Math.round(42 * GIB + ((t - startMs) / DAY) * 512 * MIB);
        const free = total - used - Math.round(total * 0.05);
        const inodesTotal = 9_830_400;
        const inodesUsed = 812_345 + Math.floor((t - startMs) / MINUTE);
        return {
          total,
          used,
          free,
          used_percent: (used / (used + free)) * 100,
          inodes_total: inodesTotal,
          inodes_used: inodesUsed,
          inodes_free: inodesTotal - inodesUsed,
        };
      }
      default:
        throw new Error(`not a host measurement: ${measurement}`);
    }
  }

  /** Start time, pid and restart history of a container as seen at t. */
  function lifecycle(c, t) {
    if (c.crash && t >= c.crash.toMs) {
      return { startedMs: c.crash.toMs, pid: c.firstPid + 1, restartCount: 1, finishedMs: c.crash.fromMs };
    }
    return { startedMs: c.firstStartMs, pid: c.firstPid, restartCount: 0, finishedMs: undefined };
  }

  function scaled([base, amp], scale) {
    return [base * scale, amp * scale];
  }

  function containerFields(measurement, c, t) {
    const { profile, scale, phaseMs } = c;
    const life = lifecycle(c, t);
    switch (measurement) {
      case 'docker_container_mem': {
        const usage = Math.round(wave(t, scaled(profile.memMiB, scale), MEM_PERIOD_MS, phaseMs) * MIB);
        return {
          usage,
          usage_percent: (usage / HOST_MEM_TOTAL) * 100,
          limit: HOST_MEM_TOTAL,
          max_usage: 0,
          container_id: c.id,
          active_anon: Math.round(usage * 0.7),
          active_file: 24 * MIB,
          inactive_anon: Math.round(usage * 0.2),
          inactive_file: 16 * MIB,
          pgfault: Math.floor((t - life.startedMs) / 20),
          pgmajfault: 12,
          unevictable: 0,
        };
      }
      case 'docker_container_cpu': {
        const percent = scaled(profile.cpuPercent, scale);
        // CPU-seconds used since start (percent / 100 of one CPU), as nanoseconds.
        const total = Math.round(waveIntegral(life.startedMs, t, percent, CPU_PERIOD_MS, phaseMs) * 1e7);
        const user = Math.round(total * 0.7);
        return {
          usage_total: total,
          usage_in_usermode: user,
          usage_in_kernelmode: total - user,
          usage_system: (t - hostBootMs) * 1e6 * HOST_N_CPUS,
          throttling_periods: 0,
          throttling_throttled_periods: 0,
          throttling_throttled_time: 0,
          usage_percent: wave(t, percent, CPU_PERIOD_MS, phaseMs),
          container_id: c.id,
        };
      }
      case 'docker_container_status': {
        const fields = {
          container_id: c.id,
          oomkilled: false,
          pid: life.pid,
          exitcode: 0,
          restart_count: life.restartCount,
          // Unix nanoseconds exceed 2^53, hence BigInt.
          started_at: BigInt(life.startedMs) * 1_000_000n,
          uptime_ns: (t - life.startedMs) * 1e6,
        };
        if (life.finishedMs !== undefined) fields.finished_at = BigInt(life.finishedMs) * 1_000_000n;
        return fields;
      }
      case 'docker_container_health': {
        const unhealthySince = c.crash ? c.crash.fromMs - UNHEALTHY_BEFORE_CRASH_MS : undefined;
        if (unhealthySince !== undefined && t >= unhealthySince && t < c.crash.fromMs) {
          return { health_status: 'unhealthy', failing_streak: Math.floor((t - unhealthySince) / (30 * SECOND)) + 1 };
        }
        return { health_status: 'healthy', failing_streak: 0 };
      }
      case 'docker_container_net': {
        const rx = Math.round(waveIntegral(life.startedMs, t, scaled(profile.rxBps, scale), NET_PERIOD_MS, phaseMs));
        const tx = Math.round(waveIntegral(life.startedMs, t, scaled(profile.txBps, scale), NET_PERIOD_MS, phaseMs));
        return {
          rx_bytes: rx,
          rx_packets: Math.floor(rx / 900),
          rx_errors: 0,
          rx_dropped: 0,
          tx_bytes: tx,
          tx_packets: Math.floor(tx / 1100),
          tx_errors: 0,
          tx_dropped: 0,
          container_id: c.id,
        };
      }
      default:
        throw new Error(`not a container measurement: ${measurement}`);
    }
  }

  /** All fields of a series at t, whether or not a point was written there (see isSeeded). */
  function fieldsAt(key, t) {
    const s = getSeries(key);
    if (s.containerName === undefined) return hostFields(s.measurement, t);
    return containerFields(s.measurement, containers.get(s.containerName), t);
  }

  function valueAt(key, field, t) {
    return fieldsAt(key, t)[field];
  }

  /** The numeric points of one field written in [fromMs, toMs). */
  function points(key, field, fromMs, toMs) {
    return timestamps(fromMs, toMs)
      .filter((t) => isSeeded(key, t))
      .map((t) => ({ t, value: valueAt(key, field, t) }));
  }

  /** What InfluxQL `mean(field)` returns over `time >= fromMs AND time < toMs`; undefined when no point. */
  function expectedMean(key, field, fromMs, toMs) {
    const values = points(key, field, fromMs, toMs).map((p) => Number(p.value));
    if (values.length === 0) return undefined;
    return values.reduce((a, b) => a + b, 0) / values.length;
  }

  return {
    anchorMs,
    startMs,
    fineStartMs,
    hostBootMs,
    projects: [...projects],
    series,
    gaps,
    stepAt,
    timestamps,
    getSeries,
    isSeeded,
    fieldsAt,
    valueAt,
    points,
    expectedMean,
  };
}
