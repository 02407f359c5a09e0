import 'server-only';

import { getConfig } from '../config';
import type { ContainerView } from '../docker/types';
import { currentProjectContainers } from '../live';
import { runPanel, type PanelResult } from './panel';
import { text } from '../i18n/text';

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
  return runPanel(text('errors.panels.docker'), config.docker.timeoutMs + 1_000, async () => {
    return { project: config.composeProject, containers: await currentProjectContainers() };
  });
}
