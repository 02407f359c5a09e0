import type Docker from 'dockerode';

import type { MediaEvidence } from '@/lib/mastodon/media-verdict';

/** `docker inspect`'s State of a running container (Docker 27), before a test's own fields. */
export const RUNNING_STATE: Omit<Docker.ContainerInspectInfo['State'], 'Health' | 'StartedAt'> = {
  Status: 'running',
  Running: true,
  Paused: false,
  Restarting: false,
  OOMKilled: false,
  Dead: false,
  Pid: 42,
  ExitCode: 0,
  Error: '',
  FinishedAt: '0001-01-01T00:00:00Z',
};

/** The media diagnosis's evidence of a root-owned bind-mounted folder, as Docker creates a missing one. */
export function rootOwnedMediaEvidence(overrides: Partial<MediaEvidence> = {}): MediaEvidence {
  return {
    container: 'mdtest-web-1',
    path: '/mastodon/public/system',
    hostPath: '/srv/mastodon/public/system',
    expected: { uid: 991, gid: 991 },
    expectedFrom: 'image',
    found: { uid: 0, gid: 0, user: 'root', group: 'root', mode: '755', changedAt: '2025-03-01T10:00:00.000Z' },
    writable: false,
    s3Enabled: false,
    checkedAt: '2025-03-01T12:00:00.000Z',
    ...overrides,
  };
}
