import 'server-only';

import { doctorPanel } from './doctor';
import { healthPanel } from './health';
import { headlinePanel } from './metrics';
import type { PanelResult } from './panel';
import { peoplePanel } from './people';
import { sidekiqPanel } from './sidekiq';
import { mediaFolderPanel, storagePanel } from './storage';

/**
 * The panels a browser may refresh by name (/api/panels/<name>). Each entry is the same function the
 * page renders with, so a refresh shows exactly what a reload would.
 */
const PANELS: Readonly<Record<string, () => Promise<PanelResult<unknown>>>> = {
  headline: headlinePanel,
  health: healthPanel,
  sidekiq: sidekiqPanel,
  people: peoplePanel,
  storage: storagePanel,
  'media-folder': mediaFolderPanel,
  doctor: doctorPanel,
};

export const PANEL_NAMES = Object.keys(PANELS);

export function panelByName(name: string): (() => Promise<PanelResult<unknown>>) | undefined {
  return Object.hasOwn(PANELS, name) ? PANELS[name] : undefined;
}
