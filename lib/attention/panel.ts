import 'server-only';

import { runPanel, type PanelResult } from '../panels/panel';
import { ATTENTION_RUN_MS, checkAttention } from './registry';
import type { AttentionReport } from './types';
import { text } from '../i18n/text';

/**
 * The home page's "Needs attention" list. A detector that fails is a finding of its own, so the panel itself
 * fails only when the registry cannot run at all.
 */
export function attentionPanel(): Promise<PanelResult<AttentionReport>> {
  return runPanel(text('errors.panels.attention'), ATTENTION_RUN_MS + 2_000, checkAttention);
}
