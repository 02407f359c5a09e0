import 'server-only';

import { getConfig } from '../config';
import { listProjectContainers } from '../docker/containers';
import type { ContainerView } from '../docker/types';
import { liveTopics } from '../live';
import { runPanel, type PanelResult } from './panel';

export interface ContainersPanelData {
  project: string;
  containers: ContainerView[];
}

/**
 * The containers of the compose project. While browsers are watching, the live source already holds the
 * current state and the page costs no Docker call; otherwise it lists once.
 */
export function containersPanel(): Promise<PanelResult<ContainersPanelData>> {
  const config = getConfig();
  return runPanel('Docker', config.docker.timeoutMs + 1_000, async () => {
    const snapshot = liveTopics().containersSource.snapshot();
    if (snapshot?.type === 'snapshot' && snapshot.docker.ok) {
      return { project: config.composeProject, containers: snapshot.containers };
    }
    return { project: config.composeProject, containers: await listProjectContainers() };
  });
}
