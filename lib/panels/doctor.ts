import 'server-only';

import { getConfig } from '../config';
import {
  diagnoseConfig,
  summarizeFindings,
  summaryLine,
  type DoctorSummary,
  type Finding,
} from '../mastodon/config-doctor';
import { readMastodonConfigFiles } from '../mastodon/config-files';
import { runPanel, type PanelResult } from './panel';
import { inEnglish } from '../i18n/english';
import { text, type Text } from '../i18n/text';

export interface DoctorPanelData {
  /** MASTODON_DIR, resolved. */
  dir: string;
  envFile: string;
  composeFile?: string;
  /** The version the checks used, e.g. "4.3.17"; absent when unknown. */
  version?: string;
  /** Where that version was read (running-version.ts's source, or the compose file), in English: data. */
  versionSource?: string;
  /** The same, in the reader's language. */
  versionFrom?: Text;
  findings: Finding[];
  summary: DoctorSummary;
  /** "2 problems, 3 warnings, 14 checks passed". */
  summaryLine: Text;
}

/**
 * The config doctor: .env.production and the compose file checked against the running Mastodon version.
 * Values never leave the server.
 */
export function doctorPanel(): Promise<PanelResult<DoctorPanelData>> {
  return runPanel(text('errors.panels.doctor'), getConfig().docker.timeoutMs + 2_000, async () => {
    const files = await readMastodonConfigFiles();
    const findings = diagnoseConfig(files.input);
    const summary = summarizeFindings(findings);
    return {
      dir: files.dir,
      envFile: files.envFile,
      ...(files.composeFile ? { composeFile: files.composeFile } : {}),
      ...(files.input.version ? { version: files.input.version.text } : {}),
      ...(files.input.versionFrom
        ? { versionSource: inEnglish(files.input.versionFrom), versionFrom: files.input.versionFrom }
        : {}),
      findings,
      summary,
      summaryLine: summaryLine(summary),
    };
  });
}
