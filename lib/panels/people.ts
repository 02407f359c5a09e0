import 'server-only';

import {
  readPeopleCounts,
  readRegistrationMode,
  type PeopleCounts,
  type RegistrationModeView,
} from '../mastodon/people';
import { runPanel, type PanelResult } from './panel';
import { text } from '../i18n/text';

export interface PeoplePanelData extends PeopleCounts {
  /**
   * Its own result: the mode's reading also asks Docker (for the version's default) and the cache Redis,
   * and neither being slow or down may blank the counts.
   */
  registrations: PanelResult<RegistrationModeView>;
}

/** Users, local posts, pending sign-ups, open reports, the Owners and the registration mode, from Postgres. */
export function peoplePanel(): Promise<PanelResult<PeoplePanelData>> {
  return runPanel(text('errors.panels.people'), 10_000, async () => {
    const [counts, registrations] = await Promise.all([
      readPeopleCounts(),
      runPanel(text('errors.panels.registrationMode'), 8_000, readRegistrationMode),
    ]);
    return { ...counts, registrations };
  });
}
