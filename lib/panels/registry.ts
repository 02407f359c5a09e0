import 'server-only';

import { healthPanel } from './health';
import { headlinePanel } from './metrics';
import type { PanelResult } from './panel';

/**
 * The panels a browser may refresh by name (/api/panels/<name>). Each entry is the same function the
 * page renders with, so a refresh shows exactly what a reload would.
 */
const PANELS: Readonly<Record<string, () => Promise<PanelResult<unknown>>>> = {
  headline: headlinePanel,
  health: healthPanel,
};

export const PANEL_NAMES = Object.keys(PANELS);

export function panelByName(name: string): (() => Promise<PanelResult<unknown>>) | undefined {
  return Object.hasOwn(PANELS, name) ? PANELS[name] : undefined;
}
